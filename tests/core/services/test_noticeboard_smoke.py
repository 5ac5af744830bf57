def test_notice_page_renders(client, users, make_notice):
    notice = make_notice(users["resident"])
    response = client.get(f"/notices/{notice.id}")
    assert response.status_code == 200
    assert "Plant trees in Rebberg square" in response.text
