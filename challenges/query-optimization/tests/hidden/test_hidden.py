"""Hidden tests for query-optimization: fewer INSERT executions, narrower SELECTs, counting in SQL."""

import re

from sqlalchemy import Float, Integer, Numeric, String

from sandbox.harness.checks import (
    assert_column,
    assert_list_of,
    column,
    count_rows,
    indexed_columns,
)

# Inserted in this order, which is neither ascending nor descending by name
# inside any category (SQLite's reverse_unordered_selects is on).
PRODUCTS = [
    ("Teapot", "kitchen", 24.5),
    ("Desk lamp", "office", 31.99),
    ("Colander", "kitchen", 12.0),
    ("Whisk", "kitchen", 4.75),
    ("Stapler", "office", 9.99),
    ("Garden hose", "garden", 27.3),
    ("Apron", "kitchen", 15.0),
    ("Binder", "office", 3.49),
    ("Rake", "garden", 19.95),
    ("Kettle", "kitchen", 39.9),
    ("Paper clips", "office", 1.25),
]
KITCHEN = ["Apron", "Colander", "Kettle", "Teapot", "Whisk"]
OFFICE = ["Binder", "Desk lamp", "Paper clips", "Stapler"]
COUNTS = {"kitchen": 5, "office": 4, "garden": 2}


def _seed(db, Product):
    """Insert PRODUCTS with the ORM (not through the candidate's bulk function)."""
    for name, category, price in PRODUCTS:
        db.session.add(Product(name=name, category=category, price=price))
    db.session.commit()
    db.session.remove()


def _rows(n):
    categories = ["books", "games", "music", "tools", "toys"]
    return [
        {
            "name": f"Item {i:04d}",
            "category": categories[i % len(categories)],
            "price": round(1 + i * 0.37, 2),
        }
        for i in range(n)
    ]


def _stored(db, Product):
    """(name, category, price as float) of every stored row, read from a fresh session."""
    db.session.remove()
    products = db.session.scalars(db.select(Product)).all()
    return sorted((p.name, p.category, round(float(p.price), 2)) for p in products)


def _column_labels(Product, attribute):
    """The names a cursor description may give the column: plain, or labelled with the table."""
    name = column(Product, attribute).name.lower()
    table = Product.__table__.name.lower()
    return name, re.compile(rf"{re.escape(table)}(_\d+)?_{re.escape(name)}")


# --- the model --------------------------------------------------------------------


def test_product_columns(db, solution):
    """id is an integer primary key; name, category and price have the asked types and are not null
    """
    assert_column(solution.Product, "id", Integer, primary_key=True)
    assert_column(solution.Product, "name", String, length=100, nullable=False)
    assert_column(solution.Product, "category", String, length=50, nullable=False)
    # Float is not a subclass of Numeric in SQLAlchemy 2.1 (it is in 2.0): name both.
    price = assert_column(solution.Product, "price", (Numeric, Float), nullable=False)
    if not isinstance(price.type, Float):
        assert (price.type.precision, price.type.scale) == (10, 2), "price should be Numeric(10, 2) or Float"


def test_category_is_indexed(db, solution):
    """the database has an index on category"""
    category = column(solution.Product, "category").name
    indexed = indexed_columns(db, solution.Product)
    assert any(cols and cols[0] == category for cols in indexed), (
        "the database should have an index on category (an index that starts with category)"
    )


# --- bulk_add_products --------------------------------------------------------------


def test_bulk_add_stores_and_commits(db, solution):
    """bulk_add_products() commits every row with its values and returns the count as an int"""
    rows = [{"name": n, "category": c, "price": p} for n, c, p in PRODUCTS]
    added = solution.bulk_add_products(rows)
    assert type(added) is int, f"bulk_add_products() should return an int, got {type(added).__name__}"
    assert added == len(rows), "bulk_add_products() should return how many rows it inserted"
    stored = _stored(db, solution.Product)
    assert stored == sorted((n, c, round(p, 2)) for n, c, p in PRODUCTS), (
        "every row should be in the database with its name, category and price after a commit"
    )


# Rows that share a name: in two categories, and one row given twice. Each row is a product.
SHARED_NAMES = [("Mug", "kitchen", 6.5), ("Mug", "office", 7.25), ("Mug", "kitchen", 6.5)]


def test_bulk_add_keeps_rows_that_share_a_name(db, solution):
    """bulk_add_products() inserts every row, also rows that share a name or repeat another row"""
    rows = [{"name": n, "category": c, "price": p} for n, c, p in SHARED_NAMES]
    added = solution.bulk_add_products(rows)
    assert type(added) is int and added == len(rows), (
        f"bulk_add_products() of {len(rows)} rows should return {len(rows)}, got {added!r}"
    )
    assert _stored(db, solution.Product) == sorted(SHARED_NAMES), (
        "every row should be inserted, also rows that share a name (each row is one product)"
    )


def test_bulk_add_empty_list(db, solution):
    """bulk_add_products([]) returns 0, raises nothing and inserts nothing"""
    added = solution.bulk_add_products([])
    assert type(added) is int and added == 0, "bulk_add_products([]) should return 0"
    db.session.remove()
    assert count_rows(db, solution.Product) == 0, "bulk_add_products([]) should insert nothing"


def test_bulk_add_thousand_rows_in_few_inserts(db, solution, sql):
    """1,000 rows are committed in at most 10 INSERT executions"""
    rows = _rows(1000)
    with sql.record() as log:
        added = solution.bulk_add_products(rows)
    inserts = log.of_verb("INSERT")
    assert type(added) is int and added == 1000, "bulk_add_products() should return 1000 for 1,000 rows"
    assert len(inserts) <= 10, (
        f"1,000 rows took {len(inserts)} INSERT executions; at most 10 are allowed"
    )
    db.session.remove()
    assert count_rows(db, solution.Product) == 1000, "all 1,000 rows should be committed"


# --- product_names_in ------------------------------------------------------------------


def test_product_names_in_values(db, solution):
    """product_names_in() returns a list of the category's names in the asked order, [] for an
    unknown category
    """
    _seed(db, solution.Product)
    kitchen = assert_list_of(solution.product_names_in("kitchen"), str, "product_names_in('kitchen')")
    assert kitchen == KITCHEN, "product_names_in() should return the category's names, ascending"
    office = assert_list_of(solution.product_names_in("office"), str, "product_names_in('office')")
    assert office == OFFICE, "product_names_in() should return the category's names, ascending"
    unknown = assert_list_of(solution.product_names_in("pets"), str, "product_names_in('pets')")
    assert unknown == [], "product_names_in() should return [] for a category without products"


def test_product_names_in_reads_only_names(db, solution, sql):
    """no SELECT run by product_names_in() reads the price or category columns"""
    _seed(db, solution.Product)
    with sql.record() as log:
        solution.product_names_in("kitchen")
    selects = log.selects
    assert selects, "product_names_in() ran no SELECT"
    forbidden = [_column_labels(solution.Product, "price"), _column_labels(solution.Product, "category")]
    for stmt in selects:
        for read in stmt.columns:
            for plain, labelled in forbidden:
                assert read != plain and not labelled.fullmatch(read), (
                    f"product_names_in() ran a SELECT that reads {read!r}: "
                    "only the name (and at most the primary key) should be read"
                )


# --- category_counts -----------------------------------------------------------------


def test_category_counts_values(db, solution):
    """category_counts() returns a dict of str to int with the right counts"""
    _seed(db, solution.Product)
    counts = solution.category_counts()
    assert type(counts) is dict, f"category_counts() should return a dict, got {type(counts).__name__}"
    for key, value in counts.items():
        assert type(key) is str, f"category_counts() keys should be str, got {type(key).__name__}"
        assert type(value) is int, f"category_counts() values should be int, got {type(value).__name__}"
    assert counts == COUNTS, "category_counts() should give the number of products of each category"


def test_category_counts_counts_products_that_share_a_name(db, solution):
    """category_counts() counts every product, also two of one category that share a name"""
    _seed(db, solution.Product)
    for name, category, price in SHARED_NAMES:
        db.session.add(solution.Product(name=name, category=category, price=price))
    db.session.commit()
    counts = solution.category_counts()
    expected = dict(COUNTS, kitchen=COUNTS["kitchen"] + 2, office=COUNTS["office"] + 1)
    assert counts == expected, "category_counts() should count every product of a category"


def test_category_counts_one_group_by_select(db, solution, sql):
    """category_counts() runs exactly one SELECT, counting with GROUP BY"""
    _seed(db, solution.Product)
    with sql.record() as log:
        solution.category_counts()
    selects = log.selects
    assert len(selects) == 1, f"category_counts() should run exactly one SELECT, it ran {len(selects)}"
    assert re.search(r"\bGROUP\s+BY\b", selects[0].sql, re.IGNORECASE), (
        "category_counts() should count in the database with GROUP BY"
    )
