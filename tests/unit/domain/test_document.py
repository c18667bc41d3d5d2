"""The document model and the Markdown the policy templates and description sections are written in."""

import pytest

from app.domain.document import (
    BulletList,
    ConfirmMark,
    Document,
    Heading,
    NumberedList,
    Paragraph,
    Run,
    Table,
    blocks_from_markdown,
    column_widths,
    confirm_marks,
    document_from_markdown,
    paragraph,
    parse_inline,
    plain_text,
    table,
)


def test_bold_italic_and_both() -> None:
    assert parse_inline("Some **bold**, *italic* and ***both*** words") == (
        Run("Some "),
        Run("bold", bold=True),
        Run(", "),
        Run("italic", italic=True),
        Run(" and "),
        Run("both", bold=True, italic=True),
        Run(" words"),
    )


def test_italic_inside_bold_and_underscore_forms() -> None:
    assert parse_inline("**bold *and italic* here**") == (
        Run("bold ", bold=True),
        Run("and italic", bold=True, italic=True),
        Run(" here", bold=True),
    )
    assert parse_inline("__strong__ and _soft_") == (
        Run("strong", bold=True),
        Run(" and "),
        Run("soft", italic=True),
    )


def test_literal_stars_underscores_and_escapes_stay_text() -> None:
    assert parse_inline("2 * 3 * 4 = 24") == (Run("2 * 3 * 4 = 24"),)
    assert parse_inline("the snake_case_name field") == (Run("the snake_case_name field"),)
    assert parse_inline(r"\*not italic\* but **a\*b**") == (Run("*not italic* but "), Run("a*b", bold=True))
    assert parse_inline("**unclosed bold") == (Run("**unclosed bold"),)


POLICY = """# Access control policy

This policy applies to **every** system
that holds *customer* data.

## Granting access

- Access is requested in the ticketing tool.
- The owner approves it
  before it is granted.
* Star bullets count too.

1. Request
2. Approve
3) Grant

## Roles

| Role | Who \\| team | Reviews |
|:-----|:---:|--:|
| Owner | **Head of IT** | Yearly |
| Reviewer | Security lead |

---

### Exceptions
Exceptions need the CISO's written approval.
"""


def test_policy_markdown_becomes_title_and_blocks() -> None:
    document = document_from_markdown(POLICY, subtitle="Fernbrook Software", particulars=[("Version", "1.0")])
    assert document.title == "Access control policy"
    assert document.subtitle == "Fernbrook Software"
    assert document.particulars == (("Version", "1.0"),)
    assert document.blocks == (
        Paragraph(
            (
                Run("This policy applies to "),
                Run("every", bold=True),
                Run(" system that holds "),
                Run("customer", italic=True),
                Run(" data."),
            )
        ),
        Heading(2, "Granting access"),
        BulletList(
            (
                (Run("Access is requested in the ticketing tool."),),
                (Run("The owner approves it before it is granted."),),
                (Run("Star bullets count too."),),
            )
        ),
        NumberedList(((Run("Request"),), (Run("Approve"),), (Run("Grant"),))),
        Heading(2, "Roles"),
        Table(
            ("Role", "Who | team", "Reviews"),
            (
                ((Run("Owner"),), (Run("Head of IT", bold=True),), (Run("Yearly"),)),
                ((Run("Reviewer"),), (Run("Security lead"),), ()),
            ),
        ),
        Heading(3, "Exceptions"),
        Paragraph((Run("Exceptions need the CISO's written approval."),)),
    )


def test_a_paragraph_line_after_a_list_ends_the_list() -> None:
    assert blocks_from_markdown("Intro\n- one\nAfter the list") == (
        Paragraph((Run("Intro"),)),
        BulletList(((Run("one"),),)),
        Paragraph((Run("After the list"),)),
    )


def test_a_pipe_in_plain_text_is_not_a_table() -> None:
    assert blocks_from_markdown("Either this | or that\nand more") == (
        Paragraph((Run("Either this | or that and more"),)),
    )


def test_headings_lose_their_emphasis_marks_and_closing_hashes() -> None:
    assert blocks_from_markdown("## **Scope** of this policy ##") == (Heading(2, "Scope of this policy"),)


def test_windows_line_endings_read_the_same() -> None:
    assert blocks_from_markdown(POLICY.replace("\n", "\r\n")) == blocks_from_markdown(POLICY)


def test_markdown_without_a_title_is_refused_unless_one_is_given() -> None:
    with pytest.raises(ValueError, match="start it with a line '# Title'"):
        document_from_markdown("## Only a subsection\n\nText")
    document = document_from_markdown("## Scope\n\nText", title="Backup policy")
    assert document.title == "Backup policy"
    assert document.blocks[0] == Heading(2, "Scope")


def test_confirm_marks_are_found_in_paragraphs_lists_and_tables() -> None:
    document = Document(
        title="Letter",
        blocks=(
            paragraph("Signed: ", ConfirmMark("name")),
            BulletList(((Run("Item "), ConfirmMark("keep it?")),)),
            table(("A", "B"), [("x", (ConfirmMark("value"),))]),
            Heading(1, "No marks here"),
        ),
    )
    assert confirm_marks(document) == ("name", "keep it?", "value")
    assert plain_text(document.blocks[0].inlines) == "Signed: [Confirm: name]"  # type: ignore[union-attr]


def test_a_table_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="a table row has 1 cells where the header has 2"):
        table(("A", "B"), [("only one",)])
    with pytest.raises(ValueError, match="a table needs at least one column"):
        table((), [])


def test_columns_fit_their_longest_word_and_share_the_rest_by_length() -> None:
    block = table(
        ("Ref", "Description", "Method"), [("AC-1", "word " * 40, "Carve-out"), ("AC-22", "short", "")]
    )
    widths = column_widths(block, 100.0, len, padding=2)
    assert sum(widths) == pytest.approx(100)
    assert widths[0] == pytest.approx(7) and widths[2] == pytest.approx(11)
    assert widths[1] == pytest.approx(82)
    squeezed = column_widths(block, 20.0, len, padding=2)
    assert squeezed == pytest.approx((20 * 7 / 31, 20 * 13 / 31, 20 * 11 / 31))
    even = column_widths(table(("A", "B"), [("x", "y")]), 10.0, len)
    assert even == pytest.approx((5, 5))
