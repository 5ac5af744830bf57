"""Pictures for the demo city: flat drawings of a city scene for each theme, made with Pillow.

A real site shows the photos residents and staff upload; the demo has no photos of its own, so
it draws one picture per theme (trees and a park, a tram and a bicycle, market stalls...), each
a little different, with the sentence that describes it for people who cannot see it.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 960, 540
HORIZON = 360

SKY = (196, 224, 242)
NIGHT = (28, 42, 84)
GRASS = (118, 176, 92)
GREENS = [(46, 125, 50), (67, 146, 61), (85, 160, 72), (56, 110, 60)]
TRUNK = (110, 76, 48)
ROAD = (96, 100, 108)
PAVEMENT = (208, 204, 196)
WALLS = [(236, 214, 180), (214, 170, 140), (240, 228, 204), (196, 160, 130), (226, 196, 160)]
ROOF = (168, 74, 58)
WINDOW = (90, 130, 170)
BRIGHT = [(200, 40, 70), (29, 78, 137), (230, 150, 30), (60, 140, 90), (150, 60, 140)]

Draw = ImageDraw.ImageDraw


def _tree(draw: Draw, x: int, ground: int, size: int, rng: random.Random) -> None:
    draw.rectangle([x - size // 8, ground - size, x + size // 8, ground], fill=TRUNK)
    green = rng.choice(GREENS)
    for dx, dy in ((0, -size * 1.35), (-size * 0.4, -size * 1.0), (size * 0.4, -size * 1.0)):
        r = size * 0.55
        draw.ellipse([x + dx - r, ground + dy - r, x + dx + r, ground + dy + r], fill=green)


def _sun(draw: Draw, rng: random.Random) -> None:
    x, y, r = rng.randint(700, 880), rng.randint(60, 120), 46
    draw.ellipse([x - r, y - r, x + r, y + r], fill=(250, 204, 80))


def _building(draw: Draw, x: int, width: int, height: int, rng: random.Random, ground: int = HORIZON) -> None:
    top = ground - height
    draw.rectangle([x, top, x + width, ground], fill=rng.choice(WALLS))
    draw.polygon([(x - 6, top), (x + width // 2, top - width // 3), (x + width + 6, top)], fill=ROOF)
    for row in range(top + 20, ground - 40, 46):
        for column in range(x + 14, x + width - 24, 34):
            draw.rectangle([column, row, column + 18, row + 26], fill=WINDOW)


def _person(draw: Draw, x: int, ground: int, colour, height: int = 120) -> None:
    head = height // 6
    draw.ellipse([x - head, ground - height, x + head, ground - height + 2 * head], fill=(120, 84, 60))
    draw.rounded_rectangle([x - head * 1.4, ground - height + 2 * head + 4, x + head * 1.4, ground],
                           radius=head, fill=colour)


def _ground(draw: Draw, colour=GRASS) -> None:
    draw.rectangle([0, HORIZON, WIDTH, HEIGHT], fill=colour)


def nature(draw: Draw, rng: random.Random) -> None:
    _sun(draw, rng)
    _ground(draw)
    draw.ellipse([-200, HORIZON - 60, 500, HORIZON + 120], fill=(132, 188, 104))
    for x in sorted(rng.sample(range(80, 900, 40), 6)):
        _tree(draw, x, HORIZON + rng.randint(30, 120), rng.randint(60, 100), rng)
    draw.rounded_rectangle([380, 470, 560, 490], radius=6, fill=TRUNK)  # a bench
    draw.rectangle([390, 490, 400, 515], fill=TRUNK)
    draw.rectangle([540, 490, 550, 515], fill=TRUNK)


def mobility(draw: Draw, rng: random.Random) -> None:
    for x in range(0, WIDTH, 170):
        _building(draw, x + rng.randint(0, 20), 140, rng.randint(150, 240), rng)
    draw.rectangle([0, HORIZON, WIDTH, HEIGHT], fill=PAVEMENT)
    draw.rectangle([0, 400, WIDTH, 500], fill=ROAD)
    for y in (440, 470):
        draw.line([0, y, WIDTH, y], fill=(60, 60, 64), width=4)
    colour = rng.choice(BRIGHT)
    draw.rounded_rectangle([120, 300, 640, 455], radius=36, fill=colour)
    for x in range(160, 600, 80):
        draw.rounded_rectangle([x, 325, x + 56, 385], radius=8, fill=(220, 236, 248))
    draw.line([380, 300, 380, 250, 430, 230], fill=(40, 40, 40), width=4)
    for cx in (760, 880):  # a bicycle
        draw.ellipse([cx - 42, 430, cx + 42, 514], outline=(30, 30, 30), width=6)
    draw.line([760, 472, 810, 430, 880, 472, 830, 472, 760, 472], fill=(29, 78, 137), width=6)
    draw.line([810, 430, 800, 412], fill=(30, 30, 30), width=6)


def cleanliness(draw: Draw, rng: random.Random) -> None:
    _ground(draw, PAVEMENT)
    _tree(draw, 140, 430, 90, rng)
    for index, colour in enumerate([(230, 180, 30), (60, 140, 90), (29, 78, 137)]):
        x = 380 + index * 150
        draw.rounded_rectangle([x, 300, x + 110, 470], radius=12, fill=colour)
        draw.rounded_rectangle([x - 8, 286, x + 118, 306], radius=6, fill=(50, 50, 50))
        draw.ellipse([x + 35, 360, x + 75, 400], outline=(255, 255, 255), width=5)
    _person(draw, 850, 480, rng.choice(BRIGHT))


def culture(draw: Draw, rng: random.Random) -> None:
    _ground(draw, PAVEMENT)
    left, right, top = 200, 760, 150
    draw.polygon([(left - 30, top + 40), ((left + right) // 2, top - 40), (right + 30, top + 40)],
                 fill=(226, 214, 190))
    draw.rectangle([left, top + 40, right, top + 70], fill=(210, 198, 172))
    for x in range(left + 20, right, 90):
        draw.rectangle([x, top + 70, x + 34, HORIZON], fill=(240, 232, 214))
    for step in range(3):
        draw.rectangle([left - 30 - step * 20, HORIZON + step * 18, right + 30 + step * 20,
                        HORIZON + 18 + step * 18], fill=(190, 180, 160))
    for x in (90, 870):
        _person(draw, x, 500, rng.choice(BRIGHT))


def sport(draw: Draw, rng: random.Random) -> None:
    _ground(draw, (98, 168, 78))
    draw.rectangle([60, 390, 900, 530], outline=(255, 255, 255), width=5)
    draw.line([480, 390, 480, 530], fill=(255, 255, 255), width=5)
    draw.ellipse([420, 430, 540, 500], outline=(255, 255, 255), width=5)
    draw.rectangle([40, 300, 48, 460], fill=(250, 250, 250))
    draw.rectangle([40, 300, 150, 308], fill=(250, 250, 250))
    draw.ellipse([600, 460, 640, 500], fill=(255, 255, 255), outline=(30, 30, 30), width=3)
    for x in (300, 700, 820):
        _person(draw, x, 480, rng.choice(BRIGHT))
    _sun(draw, rng)


def solidarity(draw: Draw, rng: random.Random) -> None:
    _ground(draw)
    _tree(draw, 110, 420, 90, rng)
    colours = rng.sample(BRIGHT, 5)
    for index, x in enumerate(range(260, 900, 130)):
        _person(draw, x, 500, colours[index], height=rng.randint(130, 170))
    heart = [(560, 170), (500, 110), (520, 70), (560, 90), (600, 70), (620, 110)]
    draw.polygon(heart, fill=(200, 40, 70))


def education(draw: Draw, rng: random.Random) -> None:
    _ground(draw, PAVEMENT)
    _building(draw, 240, 480, 230, rng)
    draw.ellipse([450, 70, 510, 130], fill=(255, 255, 255), outline=(60, 60, 60), width=4)
    draw.line([480, 100, 480, 80], fill=(60, 60, 60), width=4)
    draw.line([480, 100, 495, 108], fill=(60, 60, 60), width=4)
    draw.rectangle([440, 290, 520, HORIZON], fill=(120, 84, 60))
    for index, x in enumerate((120, 800, 880)):
        _person(draw, x, 500, BRIGHT[index], height=100 if index else 150)
    _sun(draw, rng)


def safety(draw: Draw, rng: random.Random) -> None:
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=NIGHT)
    draw.ellipse([120, 50, 190, 120], fill=(240, 236, 210))
    draw.ellipse([140, 44, 210, 114], fill=NIGHT)
    draw.rectangle([0, HORIZON, WIDTH, HEIGHT], fill=(52, 62, 90))
    draw.polygon([(380, HEIGHT), (460, HORIZON), (500, HORIZON), (580, HEIGHT)], fill=(110, 110, 120))
    for x in (300, 660):
        draw.polygon([(x + 30, 170), (x - 40, HORIZON + 60), (x + 100, HORIZON + 60)], fill=(96, 96, 70))
        draw.rectangle([x + 24, 160, x + 36, HORIZON + 60], fill=(30, 30, 30))
        draw.ellipse([x + 12, 146, x + 48, 182], fill=(250, 222, 120))
    for x in range(40, WIDTH, 110):
        draw.point((x + rng.randint(0, 40), rng.randint(20, 200)), fill=(255, 255, 255))


def town(draw: Draw, rng: random.Random) -> None:
    for x in range(0, WIDTH, 150):
        _building(draw, x + rng.randint(0, 20), 120, rng.randint(140, 280), rng)
    _ground(draw, PAVEMENT)
    for x in (120, 480, 840):
        _tree(draw, x, 470, 70, rng)
    draw.rounded_rectangle([250, 470, 400, 488], radius=6, fill=TRUNK)


def market(draw: Draw, rng: random.Random) -> None:
    _ground(draw, PAVEMENT)
    for index, x in enumerate(range(60, 900, 290)):
        colour = BRIGHT[(index + rng.randint(0, 4)) % len(BRIGHT)]
        for stripe in range(6):
            fill = colour if stripe % 2 == 0 else (250, 250, 250)
            draw.polygon([(x + stripe * 40, 250), (x + stripe * 40 + 40, 250),
                          (x + stripe * 40 + 50, 300), (x + stripe * 40 + 10, 300)], fill=fill)
        draw.rectangle([x + 10, 300, x + 20, 470], fill=(90, 70, 50))
        draw.rectangle([x + 230, 300, x + 240, 470], fill=(90, 70, 50))
        draw.rectangle([x + 10, 400, x + 240, 430], fill=(160, 120, 80))
        for fruit in range(6):
            fx = x + 30 + fruit * 34
            draw.ellipse([fx, 374, fx + 28, 402], fill=rng.choice([(220, 60, 40), (240, 170, 30), (90, 160, 60)]))
    _person(draw, 500, 520, rng.choice(BRIGHT))


# Each theme of the demo: its drawing and what it shows, for the alternative text.
SCENES: dict[str, tuple[Callable[[Draw, random.Random], None], str]] = {
    "Environnement et nature en ville": (nature, "Dessin : des arbres et un banc dans un parc, au soleil."),
    "Mobilité et déplacements": (mobility, "Dessin : un tram et un vélo dans une rue bordée d'immeubles."),
    "Propreté": (cleanliness, "Dessin : trois poubelles de tri sur un trottoir, près d'un arbre."),
    "Culture et patrimoine": (culture, "Dessin : la façade à colonnes d'un bâtiment public."),
    "Sport et loisirs": (sport, "Dessin : un terrain de sport et ses joueurs."),
    "Solidarité et vivre-ensemble": (solidarity, "Dessin : des habitants côte à côte sous un cœur."),
    "Éducation et jeunesse": (education, "Dessin : une école, son horloge et des enfants."),
    "Tranquillité publique": (safety, "Dessin : un chemin éclairé par deux lampadaires, la nuit."),
    "Urbanisme et cadre de vie": (town, "Dessin : une rue avec ses immeubles, ses arbres et un banc."),
    "Commerce et vie économique": (market, "Dessin : les étals colorés d'un marché."),
}


def illustration(theme: str, seed: str) -> tuple[bytes, str] | None:
    """A PNG picture for ``theme`` (a demo category's name), varied by ``seed``, and the
    sentence that describes it; None for a theme the demo does not draw."""
    if theme not in SCENES:
        return None
    scene, description = SCENES[theme]
    rng = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT), SKY)
    scene(ImageDraw.Draw(image), rng)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), description


def attach_illustration(item, theme: str, user) -> None:
    """Give ``item`` the demo's picture of ``theme`` as its image (its cover in the lists),
    through the attachments service as an upload would; the caller commits."""
    from werkzeug.datastructures import FileStorage

    from core.services.attachments import save_upload

    drawn = illustration(theme, f"{item.content_type_name}:{getattr(item, 'title', item.id)}")
    if drawn is None:
        return
    data, description = drawn
    upload = FileStorage(io.BytesIO(data), filename="illustration.png", content_type="image/png")
    save_upload(item, upload, user, description, kinds={"image"})
