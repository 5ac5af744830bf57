"""The public statistics: figures as tiles, breakdowns as charts (not as a second tile)."""


def test_a_breakdown_by_neighbourhood_is_a_chart_and_not_a_figure(client, users, make_idea):
    make_idea(users["resident"], neighbourhood="rebberg")
    make_idea(users["resident"], title="A crossing near the Dornach school", neighbourhood="dornach")
    page = client.get("/stats/").text
    assert 'class="stat-value">2<' in page  # the two ideas, as a figure
    assert '<p class="stat-label">Ideas per neighbourhood</p>' not in page
    assert '<h2 id="stat-ideas_by_neighbourhood">Ideas per neighbourhood</h2>' in page
