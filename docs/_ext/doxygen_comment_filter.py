"""Doxygen INPUT_FILTER: nestkit's headers document declarations with plain `//` comments;
this turns them into Doxygen comments (`///` above a declaration, `///<` after one) so the
generated C++ reference carries them. The headers themselves are not changed."""

import re
import sys

ABOVE = re.compile(r"^(\s*)//( (?!---)|$)")  # not the `// --- section ---` separators
AFTER = re.compile(r"([;,{])(\s+)// ")

for line in open(sys.argv[1], encoding="utf-8"):
    line = ABOVE.sub(r"\1///\2", line, count=1)
    line = AFTER.sub(r"\1\2///< ", line, count=1)
    sys.stdout.write(line)
