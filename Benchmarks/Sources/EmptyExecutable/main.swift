// Deliberately empty: the baseline process for Scripts/bench-process.py. It is built with the same
// flags as autoconf-lookup (`swift build -c release`), so the two differ only in what the program does
// and in what it links.
