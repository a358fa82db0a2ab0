"""0. HTML: the page's article text, extracted before the text passes run.

trafilatura's paragraphs, without its list and table markup, with what it leaves out of the
article read back from the page's own blocks (a body split around an advertisement row, an
element's opening paragraph, a lede or lead-video caption between the kept headline and the
body, embedded posts): see :func:`extend_extraction`."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import NamedTuple

from .. import budget
from .chrome import LIST_HEADING, is_byline, is_chrome_line, is_headline
from .footer import footer_marker
from .options import DEFAULT, CleanOptions
from .prose import is_sentence


def extract_html(html: str, options: CleanOptions = DEFAULT) -> tuple[str, dict[str, str]]:
    """Main text of an HTML page (no navigation or comments; tables kept, as trafilatura's
    own default does) and its title/author/date.

    Each block trafilatura finds becomes a paragraph. trafilatura keeps one container of the
    page; where the article runs on in a second one (a body split around an advertisement
    row), begins before it (a lede set apart from the body) or quotes an embedded post inside
    it, the page's own blocks around and between what it kept are read too (see
    :func:`extend_extraction`). When trafilatura finds nothing (a page nested deeper than its parser
    accepts, or one without any article-like block), the text of the page's blocks is taken
    instead, so a page never cleans to nothing merely for its shape; the cleaning passes then
    judge its lines.
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True
    )
    page = page_blocks(html, options)
    if document is None or isinstance(document, dict) or not document.text:
        return "\n\n".join(block.text for block in page), {}
    metadata = {
        key: str(value)
        for key in ("title", "author", "date")
        if (value := getattr(document, key, None))
    }
    blocks = [b for b in (unmark(line) for line in str(document.text).split("\n")) if b]
    return "\n\n".join(extend_extraction(blocks, page, options)), metadata


def unmark(line: str) -> str:
    """A line of trafilatura's text without the markup it adds: a list item's "- " and a
    table row's "|" between cells are not the page's words (no page of the ScrapingHub set
    has them in its article)."""
    line = " ".join(line.split())
    if line.startswith("- ") or line == "-":
        return line[2:]
    if len(line) > 1 and line[0] == "|" and line[-1] == "|":
        return " ".join(" ".join(cell.split()) for cell in line[1:-1].split("|") if cell.strip())
    return line


# Elements whose text is never article text, and elements that end a block of text.
_HTML_SKIP = frozenset({"script", "style", "noscript", "template", "head", "nav", "aside",
                        "footer", "form", "button", "select", "svg", "iframe"})  # fmt: skip
_HTML_BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                         "section", "article", "blockquote", "header", "main", "ul", "ol",
                         "table", "pre", "figure", "figcaption", "dd", "dt"})  # fmt: skip


class PageBlock(NamedTuple):
    text: str
    quoted: bool  # inside a blockquote (an embedded post, a quotation)
    box: int  # which element with a class attribute holds it (the innermost; 0: none)
    kind: str  # that element's tag and class ("div body__container article__body")
    last: int = -1  # the index of the last block that element holds (its own or nested ones)


def page_blocks(html: str, options: CleanOptions = DEFAULT) -> list[PageBlock]:
    """The text of ``html``'s blocks, each with what holds it, from a streaming parse: no
    tree is built, so any depth of nesting costs time linear in the page."""
    parser = _Blocks(options.html_max_boxes)
    parser.feed(html)
    parser.close()
    return parser.finish()


class _Blocks(HTMLParser):
    """The streaming parse behind :func:`page_blocks`: text is gathered until a block tag
    ends it, each block with the innermost classed element open around it."""

    def __init__(self, max_boxes: int) -> None:
        super().__init__(convert_charrefs=True)
        self.max_boxes = max_boxes  # classed elements followed deep
        self.blocks: list[PageBlock] = []
        self.current: list[str] = []
        self.depth = {"skip": 0, "quote": 0, "boxes": 0, "deeper": 0}
        self.boxes: list[tuple[str, int, str]] = []  # open: tag, number, kind of the innermost
        self.ends: dict[int, int] = {}  # a classed element's number -> index of its last block

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            box, kind = (self.boxes[-1][1], self.boxes[-1][2]) if self.boxes else (0, "")
            self.blocks.append(PageBlock(text, self.depth["quote"] > 0, box, kind))
        self.current.clear()

    def enter(self, tag: str, step: int) -> None:
        budget.tick()
        depth = self.depth
        if tag in ("td", "th"):  # cells of a row are words apart
            self.current.append(" ")
        elif tag in _HTML_SKIP:
            depth["skip"] = max(0, depth["skip"] + step)
        elif tag in _HTML_BLOCK:
            self.flush()
            if tag == "blockquote":
                depth["quote"] = max(0, depth["quote"] + step)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.enter(tag, 1)
        if tag not in _HTML_BOX:
            return
        boxes = self.boxes
        if len(boxes) >= self.max_boxes:
            self.depth["deeper"] += 1  # too deep to follow: counted, so its end pops nothing
            return
        classes = " ".join((dict(attrs).get("class") or "").split())
        if classes:
            self.depth["boxes"] += 1
            boxes.append((tag, self.depth["boxes"], f"{tag} {classes}"))
        else:  # an element without a class: its blocks belong to the one around it
            boxes.append((tag, *(boxes[-1][1:] if boxes else (0, ""))))

    def handle_endtag(self, tag: str) -> None:
        self.enter(tag, -1)
        if tag in _HTML_BOX and self.depth["deeper"]:
            self.depth["deeper"] -= 1
        elif self.boxes and self.boxes[-1][0] == tag:  # (enter() flushed its text: a block tag)
            self.ends[self.boxes.pop()[1]] = len(self.blocks) - 1

    def handle_data(self, data: str) -> None:
        if not self.depth["skip"]:
            self.current.append(data)

    def finish(self) -> list[PageBlock]:
        """The blocks, each with the index of the last block its element holds (once the whole
        page is fed and closed)."""
        self.flush()
        blocks, ends = self.blocks, self.ends
        for _, box, _ in self.boxes:  # elements never closed hold everything after them
            ends[box] = len(blocks) - 1
        return [block._replace(last=ends.get(block.box, len(blocks) - 1)) for block in blocks]


# Elements that hold an article's text under a class name.
_HTML_BOX = frozenset({"div", "section", "article", "main"})


def extend_extraction(
    kept: list[str], page: list[PageBlock], options: CleanOptions = DEFAULT
) -> list[str]:
    """``kept`` (trafilatura's paragraphs) with the rest of the article the page holds: the
    prose right before one of its paragraphs (the opening paragraph of its element, or a lede
    or video caption between a kept headline and the body inside the headline's element),
    the quoted blocks (embedded posts) between two of its paragraphs that it left out, and the
    blocks of later elements of the same tag and class as the one holding its last paragraph
    (a body split in two around an advertisement row). The page's blocks are matched to
    ``kept`` by their text, in order; nothing is added next to a paragraph not found."""
    matched = match_blocks(kept, page)
    known = set(kept)
    out: list[str] = []
    previous = -1  # the block of the last paragraph found
    for k, paragraph in enumerate(kept):
        if matched[k] >= 0:
            if previous < 0 or page[previous].box != page[matched[k]].box:
                lead = _lead_in(page, matched[k], previous, known, options)
                out += [page[i].text for i in lead]
            previous = matched[k]
        out.append(paragraph)
        following = [i for i in matched[k + 1 : k + 2] if i > matched[k] >= 0]
        out += [
            block.text
            for block in page[matched[k] + 1 : following[0]]
            if block.quoted and block.text not in known and len(block.text.split()) >= 4
        ] if following else []  # fmt: skip
    if matched and matched[-1] >= 0:
        out += _continued(page, matched[-1], known, options)
    return out


def match_blocks(kept: list[str], page: list[PageBlock]) -> list[int]:
    """For each paragraph of ``kept``, the index of the page's block with its text after the
    one found for the paragraph before (-1: not found)."""
    where: dict[str, list[int]] = {}
    for i, block in enumerate(page):
        where.setdefault(block.text, []).append(i)
    matched: list[int] = []
    last = -1
    for paragraph in kept:
        budget.tick()
        later = [i for i in where.get(paragraph, [])[:64] if i > last]
        matched.append(later[0] if later else -1)
        last = later[0] if later else last
    return matched


def _lead_in(
    page: list[PageBlock], at: int, previous: int, known: set[str], options: CleanOptions
) -> list[int]:
    """The indexes of the prose blocks right before ``page[at]``, the first paragraph kept of
    its element, in that element (none of them kept, after ``previous``), in order: the
    element's opening paragraph, which trafilatura left out. A short block between them that
    is not prose (a caption) is passed over and stays out, and so is a byline.

    Prose in other elements before it, measured, is as often a dek or an abstract the page
    sets above the article as the article's lede, and is left out, with one exception: when
    the paragraph kept before is a headline (the title, and no standfirst yet) and the element
    holding it also holds ``page[at]``, the prose between the two is inside the article's own
    element, between its title and its body: its lede, or the caption of its lead video.
    Quoted blocks are left to the rule for embedded posts."""
    found: list[int] = []
    skipped = 0
    box = page[at].box
    within = previous >= 0 and _opens_element(page[previous], at, options)
    i = at - 1
    while i > previous and len(found) < options.extend_lead_blocks:
        block = page[i]
        if block.text in known or block.quoted or not block.box:
            break
        if block.box != box and not within:
            break
        text = block.text
        if (
            not is_sentence(text, options)
            or is_chrome_line(text, options)
            or is_byline(text, options)
        ):
            skipped += 1
            if skipped > options.extend_lead_skip or len(text.split()) > options.extend_gap_words:
                break
        elif footer_marker(block.text):
            break
        else:
            found.insert(0, i)
        i -= 1
    return found


def _opens_element(headline: PageBlock, at: int, options: CleanOptions) -> bool:
    """Whether ``headline`` is a headline (no sentence) held by an element with a class that
    also holds the block at index ``at``."""
    return bool(headline.box) and headline.last >= at and is_headline(headline.text, options)


def _continued(
    page: list[PageBlock], end: int, known: set[str], options: CleanOptions
) -> list[str]:
    """The text of the blocks after ``page[end]`` held by other elements of its element's
    kind, up to a footer or list heading; none unless one of them is prose."""
    anchor = page[end]
    found: list[str] = []
    for block in page[end + 1 :]:
        budget.tick()
        if footer_marker(block.text) or LIST_HEADING.match(block.text):
            break
        if (
            anchor.box
            and block.kind == anchor.kind
            and block.box != anchor.box
            and block.text not in known
        ):
            found.append(block.text)
    return found if any(is_sentence(text, options) for text in found) else []
