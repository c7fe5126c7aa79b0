"""The font of the signatures' visible stamps: an OpenType font embedded in the PDF (PDF/A wants
every font embedded), and the text wrapped to the width of the field."""

import unicodedata
from functools import lru_cache
from io import BytesIO

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

from .errors import SigningConfigurationError

STAMP_FONT_SIZE = 9
# What the stamps can show: the Latin alphabets, general punctuation, the euro sign.
STAMP_UNICODES = [*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC]


@lru_cache(maxsize=2)
def _stamp_font(path: str) -> bytes:
    """The stamp font reduced to the Latin alphabets and punctuation, rescaled to 1000 units per
    em: pyHanko writes glyph widths in font units where PDF reads thousandths of an em, so a
    TrueType font's usual 2048 units would space the letters out."""
    try:
        font = TTFont(path)
    except OSError as error:
        raise SigningConfigurationError(
            f"SIGNING_STAMP_FONT désigne une police illisible : {path}"
        ) from error
    options = subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True, hinting=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    scale_upem(font, 1000)
    output = BytesIO()
    font.save(output)
    font.close()
    return output.getvalue()


class StampFontFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_stamp_font(self.font_file)),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


@lru_cache(maxsize=2)
def _font_metrics(path: str) -> tuple[dict[int, str], dict[str, int]]:
    """The character map and the advance widths (in thousandths of an em) of the stamp font."""
    with TTFont(BytesIO(_stamp_font(path))) as font:
        return font.getBestCmap(), {glyph: advance for glyph, (advance, _lsb) in font["hmtx"].metrics.items()}


def _stamp_safe(text: str, cmap: dict[int, str]) -> str:
    """Characters the font has no glyph for lose their accent, or become « ? »."""
    kept = []
    for char in text:
        if ord(char) in cmap:
            kept.append(char)
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if ord(c) in cmap and c.isprintable()
            )
            kept.append(base or "?")
    return "".join(kept)


def wrap_for_stamp(text: str, *, width: float, font: str, size: float = STAMP_FONT_SIZE) -> str:
    """`text` on as many lines as it needs to fit `width` points, broken between words; a single
    word longer than the width keeps its line (the stamp then shrinks a little)."""
    cmap, advances = _font_metrics(font)
    text = _stamp_safe(" ".join(text.split()), cmap)

    def measure(line: str) -> float:
        return sum(advances.get(cmap.get(ord(char), ".notdef"), 0) for char in line) * size / 1000

    lines: list[str] = []
    for word in text.split(" "):
        if lines and measure(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)
