"""The Markdown of texts shown again and again (a discussion's comments) is remembered by each
worker, within a bound on its memory."""

from core.web import RenderedTexts


def test_a_text_shown_again_is_not_rendered_again_and_memory_stays_bounded(app):
    texts = RenderedTexts(max_chars=4000)
    first = texts("Plant **trees** in Rebberg")
    assert "<strong>trees</strong>" in first
    assert texts("Plant **trees** in Rebberg") is first
    for number in range(200):
        assert "<em>emphasis</em>" in texts(f"Comment number {number}, with *emphasis*")
    assert texts._chars <= 4000
    # The least recently used go first: the first comments are forgotten, the last remembered.
    assert "Comment number 199, with *emphasis*" in texts._rendered
    assert "Comment number 0, with *emphasis*" not in texts._rendered
    assert "Plant **trees** in Rebberg" not in texts._rendered


def test_a_long_text_is_rendered_every_time_and_never_crowds_out_the_others(app):
    texts = RenderedTexts(max_chars=4000)
    texts("A short comment")
    long_text = "A long contribution. " * 60  # 1,260 characters: more than an eighth of 4,000
    assert "A long contribution." in texts(long_text)
    assert long_text not in texts._rendered
    assert "A short comment" in texts._rendered
