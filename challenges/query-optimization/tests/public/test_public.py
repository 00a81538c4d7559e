"""Public tests for query-optimization: the candidate may read and run these."""

from sqlalchemy import inspect


def test_table_is_created(db, solution):
    """create_all() creates a table for Product"""
    tables = inspect(db.engine).get_table_names()
    assert solution.Product.__table__.name in tables, "create_all() should create the Product table"


def test_bulk_add_three_rows(db, solution):
    """bulk_add_products() inserts and commits three rows and returns 3"""
    rows = [
        {"name": "Mug", "category": "kitchen", "price": 6.5},
        {"name": "Pencil", "category": "office", "price": 0.8},
        {"name": "Spoon", "category": "kitchen", "price": 2.25},
    ]
    assert solution.bulk_add_products(rows) == 3
    db.session.remove()
    names = sorted(db.session.scalars(db.select(solution.Product.name)).all())
    assert names == ["Mug", "Pencil", "Spoon"], "the three rows should be committed"


def test_names_and_counts_small(db, solution):
    """product_names_in() and category_counts() give the right answers on three products"""
    rows = [("Spoon", "kitchen", 2.25), ("Pencil", "office", 0.8), ("Mug", "kitchen", 6.5)]
    for name, category, price in rows:
        db.session.add(solution.Product(name=name, category=category, price=price))
    db.session.commit()
    db.session.remove()
    assert solution.product_names_in("kitchen") == ["Mug", "Spoon"]
    assert solution.category_counts() == {"kitchen": 2, "office": 1}
