package main

import (
	"fmt"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildVersion is set by -ldflags "-X main.buildVersion=v1.2.3" in releases;
// it wins over the build info.
var buildVersion = ""

// readBuildInfo is debug.ReadBuildInfo; tests replace it with fake build infos.
var readBuildInfo = debug.ReadBuildInfo

// pseudoVersion matches Go's pseudo-versions (v0.0.0-20261203101500-a1b2c3d4e5f6,
// v1.2.4-0.20261203101500-a1b2c3d4e5f6, v1.3.0-pre.0.2026…), as in golang.org/x/mod.
var pseudoVersion = regexp.MustCompile(`^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// buildDetails is what the build info says about this binary.
type buildDetails struct {
	version  string // what --version prints, e.g. "v1.2.3" or "dev (a1b2c3d4e5f6, modified)"
	revision string // the full VCS revision, "" when unknown
	time     string // the revision's commit time (RFC 3339), "" when unknown
	modified bool   // the checkout had uncommitted changes
	goVer    string // e.g. "go1.26.8"
	platform string // e.g. "linux/amd64"
}

// version is the one-line version, e.g. "v1.2.3" (go install …@v1.2.3 or
// -ldflags), "dev (a1b2c3d4e5f6, modified)" (a build in a checkout) or "dev".
func version() string { return details().version }

func details() buildDetails {
	bi, ok := readBuildInfo()
	if !ok {
		bi = nil
	}
	return describeBuild(buildVersion, bi)
}

// describeBuild reads a build info (nil when there is none). A release
// version (-ldflags, or the module version of go install …@v1.2.3) is shown
// as is; a build in a checkout shows "dev" and its VCS revision, since the
// pseudo-version Go derives from it (v0.0.0-2026…-a1b2c3d4e5f6+dirty) says
// less at a glance.
func describeBuild(ldflags string, bi *debug.BuildInfo) buildDetails {
	d := buildDetails{goVer: runtime.Version(), platform: runtime.GOOS + "/" + runtime.GOARCH}
	var goos, goarch string
	if bi != nil {
		if bi.GoVersion != "" {
			d.goVer = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				d.revision = s.Value
			case "vcs.time":
				d.time = s.Value
			case "vcs.modified":
				d.modified = s.Value == "true"
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
	}
	if goos != "" && goarch != "" {
		d.platform = goos + "/" + goarch
	}
	mod := ""
	if bi != nil {
		mod = bi.Main.Version
	}
	release := mod != "" && mod != "(devel)" && !pseudoVersion.MatchString(mod) && !strings.Contains(mod, "+dirty")
	switch {
	case ldflags != "":
		d.version = ldflags
	case release:
		d.version = mod
	case d.revision != "":
		var b strings.Builder
		b.WriteString("dev (")
		b.WriteString(shortRevision(d.revision))
		if d.modified {
			b.WriteString(", modified")
		}
		b.WriteString(")")
		d.version = b.String()
	case mod != "" && mod != "(devel)":
		// A pseudo-version without VCS details: go install …@master or @commit.
		d.version = mod
	default:
		d.version = "dev"
	}
	return d
}

func shortRevision(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// writeVersion is `wcadmin version`: the version, where it was built from,
// the Go version and the platform.
func writeVersion(w io.Writer, d buildDetails) {
	fmt.Fprintf(w, "wcadmin %s\n", d.version)
	if d.revision != "" {
		commit := d.revision
		if d.time != "" {
			commit += " (" + d.time + ")"
		}
		if d.modified {
			commit += ", with uncommitted changes"
		}
		fmt.Fprintf(w, "commit:   %s\n", commit)
	}
	fmt.Fprintf(w, "go:       %s\n", d.goVer)
	fmt.Fprintf(w, "platform: %s\n", d.platform)
}

// newVersionCmd is `wcadmin version`; `wcadmin --version` prints the first line only.
func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:           "version",
		Short:         "Print the version, the commit it was built from, the Go version and the platform",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			writeVersion(cmd.OutOrStdout(), details())
			return nil
		},
	}
}
