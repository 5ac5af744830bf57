"""The demo: six fictional years, a commission with meetings and answered questions."""

from core.services.bodies import Meeting
from core.database import db
from plugins.finance_commission.models import FinanceYear, Question


def test_the_demo_loads_six_years_and_the_commission_twice_safely(app, client):
    from core.demo import load_demo

    load_demo("demo-password-1234")
    load_demo("demo-password-1234")
    assert db.session.scalar(db.select(db.func.count(FinanceYear.id))) == 6
    assert db.session.scalar(db.select(db.func.count(Question.id)).where(Question.state == "answered")) == 2
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 4
    page = client.get("/finances/").get_data(as_text=True)
    assert "fictive" in page
    assert client.get("/finances/indicators/debt_capacity").status_code == 200
