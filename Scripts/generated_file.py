"""Writing generated files: shared by the scripts in this folder."""

import os
import sys
import tempfile


def write_atomically(path, content):
    """Write text to path through a temporary file and a rename; False when nothing changed."""
    try:
        if path.read_text(encoding="utf-8") == content:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return True


def raw_string_literal(content):
    """A multi-line Swift raw string literal holding content verbatim (its lines start at column 0)."""
    hashes = 1
    while f'"""{"#" * hashes}' in content or f'\\{"#" * hashes}' in content:
        hashes += 1
    delimiter = "#" * hashes
    return f'{delimiter}"""\n{content}\n"""{delimiter}'


def check_or_write(output, content, script, shown, summary, check):
    """With check, compare output with content (exit status 1 and a message when it differs);
    otherwise write it. Returns the exit status."""
    if check:
        try:
            current = output.read_bytes()
        except OSError:
            current = None
        if current != content.encode("utf-8"):
            print(f"{output.name} is stale: run Scripts/{script}.py", file=sys.stderr)
            return 1
        print(f"{script}: {shown} is up to date ({summary})")
        return 0
    write_atomically(output, content)
    print(f"{script}: wrote {shown} ({summary})")
    return 0
