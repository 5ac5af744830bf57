"""Write core/static/icons.svg, the sprite of the icons the templates use, from Lucide.

Lucide (https://lucide.dev, ISC licence, see core/static/ICONS-LICENSE) is fetched from the npm
registry: ``npm pack lucide-static@1.62.0`` then ``tar xzf lucide-static-1.62.0.tgz``, and::

    python tools/build_icons.py package/icons

Templates show an icon with ``icon("name")`` (core/templates/core/components.html). Add a name to
ICONS and run this again to offer another one.
"""

import re
import sys
from pathlib import Path

ICONS = (
    "arrow-right", "bell", "calendar", "chart-bar", "check", "chevron-right", "circle-check",
    "circle-x", "clock", "database", "download", "external-link", "eye", "file-text", "flag",
    "hourglass", "house", "image", "info", "landmark", "lightbulb", "list-checks", "log-in",
    "log-out", "mail", "map", "map-pin", "menu", "message-circle", "messages-square", "paperclip",
    "phone", "piggy-bank", "printer", "scale", "search", "settings", "shield", "thumbs-up",
    "triangle-alert", "user", "user-plus", "users", "vote", "x",
)
OUTPUT = Path(__file__).resolve().parents[1] / "core" / "static" / "icons.svg"


def symbol(name: str, source: str) -> str:
    body = re.search(r"<svg[^>]*>(.*)</svg>", source, re.S).group(1)
    shapes = " ".join(line.strip() for line in body.strip().splitlines())
    return (f'  <symbol id="{name}" viewBox="0 0 24 24"><g fill="none" stroke="currentColor" '
            f'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{shapes}</g></symbol>')


def main(folder: str) -> None:
    symbols = [symbol(name, (Path(folder) / f"{name}.svg").read_text()) for name in ICONS]
    OUTPUT.write_text(
        "<!-- Icons from Lucide (https://lucide.dev), ISC licence: see ICONS-LICENSE. "
        "Written by tools/build_icons.py. -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n",
        encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
