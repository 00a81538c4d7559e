"""Public tests for pagination: the candidate may read and run these."""


def test_item_keyword_constructor(db, solution):
    """Item can be built with a name= keyword and gets an integer id"""
    item = solution.Item(name="apple")
    db.session.add(item)
    db.session.commit()
    assert type(item.id) is int, "Item.id should be an integer set by the database"
    assert item.name == "apple"


def test_first_page_small(db, solution):
    """page_of_items returns a dict whose first page holds the first names (five items)"""
    for name in ("apple", "banana", "cherry", "damson", "elder"):
        db.session.add(solution.Item(name=name))
    db.session.commit()

    result = solution.page_of_items(1, 2)
    assert isinstance(result, dict), "page_of_items should return a dict"
    assert result["items"] == ["apple", "banana"]
    assert result["total"] == 5
    assert result["pages"] == 3
