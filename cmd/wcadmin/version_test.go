package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// fakeBuildInfo replaces readBuildInfo for one test (not parallel: it is a
// package variable).
func fakeBuildInfo(t *testing.T, bi *debug.BuildInfo) {
	t.Helper()
	old := readBuildInfo
	readBuildInfo = func() (*debug.BuildInfo, bool) { return bi, bi != nil }
	t.Cleanup(func() { readBuildInfo = old })
}

func checkoutInfo(mainVersion string, modified bool) *debug.BuildInfo {
	mod := "false"
	if modified {
		mod = "true"
	}
	return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/wcadmin/wcadmin", Version: mainVersion},
		Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"},
			{Key: "vcs.time", Value: "2026-12-03T10:15:00Z"}, {Key: "vcs.modified", Value: mod}}}
}

func TestVersionFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name, ldflags string
		bi            *debug.BuildInfo
		want          string
	}{
		{"go install @v1.2.3", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"checkout, modified", "", checkoutInfo("(devel)", true), "dev (a1b2c3d4e5f6, modified)"},
		{"checkout, clean", "", checkoutInfo("(devel)", false), "dev (a1b2c3d4e5f6)"},
		{"checkout, Go's pseudo-version", "", checkoutInfo("v0.0.0-20261203101500-a1b2c3d4e5f6+dirty", true), "dev (a1b2c3d4e5f6, modified)"},
		{"checkout after a tag", "", checkoutInfo("v1.2.4-0.20261203101500-a1b2c3d4e5f6", false), "dev (a1b2c3d4e5f6)"},
		{"checkout on a tag, modified", "", checkoutInfo("v1.2.3+dirty", true), "dev (a1b2c3d4e5f6, modified)"},
		{"checkout on a tag", "", checkoutInfo("v1.2.3", false), "v1.2.3"},
		{"go install @commit", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203101500-a1b2c3d4e5f6"}},
			"v0.0.0-20261203101500-a1b2c3d4e5f6"},
		{"go run, no VCS", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"no build info", "", nil, "dev"},
		{"-ldflags wins", "v9.9.9", checkoutInfo("(devel)", true), "v9.9.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describeBuild(tc.ldflags, tc.bi).version; got != tc.want {
				t.Errorf("version %q, want %q", got, tc.want)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	fakeBuildInfo(t, checkoutInfo("(devel)", true))
	run := func(args ...string) string {
		t.Helper()
		cmd := newRootCmd(func(string) string { return "" })
		var out, errb bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&errb)
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if errb.Len() > 0 {
			t.Errorf("%v wrote to stderr: %s", args, errb.String())
		}
		return out.String()
	}
	want := "wcadmin dev (a1b2c3d4e5f6, modified)\n" +
		"commit:   a1b2c3d4e5f60718293a4b5c6d7e8f9012345678 (2026-12-03T10:15:00Z), with uncommitted changes\n" +
		"go:       go1.26.8\n" +
		"platform: linux/arm64\n"
	if got := run("version"); got != want {
		t.Errorf("wcadmin version:\n%s\nwant:\n%s", got, want)
	}
	if got := run("--version"); got != "wcadmin dev (a1b2c3d4e5f6, modified)\n" {
		t.Errorf("wcadmin --version: %q", got)
	}
}

func TestVersionWithoutBuildInfo(t *testing.T) {
	fakeBuildInfo(t, nil)
	var out bytes.Buffer
	writeVersion(&out, details())
	want := "wcadmin dev\ngo:       " + runtime.Version() + "\nplatform: " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestVersionLdflags(t *testing.T) {
	fakeBuildInfo(t, checkoutInfo("(devel)", false))
	old := buildVersion
	buildVersion = "v2.0.0"
	t.Cleanup(func() { buildVersion = old })
	if got := version(); got != "v2.0.0" {
		t.Errorf("version %q", got)
	}
	if !strings.HasPrefix(newRootCmd(func(string) string { return "" }).Version, "v2.0.0") {
		t.Error("--version does not use -ldflags")
	}
}
