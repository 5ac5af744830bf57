"""Fill the English catalog: source strings are English, so each msgstr is its msgid.

Run by `make translations` after `pybabel update`, so that the English catalog has no empty entry.
"""

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string or ()):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)


if __name__ == "__main__":
    main(sys.argv[1])
