def test_notice_page_renders(client, users, make_notice):
    notice = make_notice(users["resident"])
    response = client.get(f"/notices/{notice.id}")
    assert response.status_code == 200
    assert "Plant trees in Rebberg square" in response.text


def test_an_id_too_large_for_the_database_is_a_page_not_found(client, users, make_notice):
    make_notice(users["resident"])
    for path in ("/notices/2147483648", "/notices/99999999999999999999999",
                 f"/content/noticeboard.notice/{2**63}/comments"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text


def test_page_numbers_that_are_not_plain_digits_are_the_first_page(client, users, make_notice):
    make_notice(users["resident"])
    for value in ("%C2%B2", "%D9%A4", "-1", "1e3", "99999999999999999999"):
        response = client.get(f"/search/?q=trees&page={value}&category={value}")
        assert response.status_code == 200, value
