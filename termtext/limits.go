package termtext

// MaxFieldCells is the display width (in cells) at which one customer field
// (a name, an e-mail address, ...) is kept once cleaned: CleanMax(s,
// MaxFieldCells). The console stores confirmed records so, and package
// deletion must clean the fresh record the same way to compare it with the
// confirmed one: with two different caps a long name would look changed.
// Wide enough for any real name or address, narrow enough that a hostile
// value cannot flood the screen or the journal.
const MaxFieldCells = 200
