"""Public tests for eager-loading: the candidate may read and run these."""

from sqlalchemy import inspect


def test_tables_are_created(db, solution):
    """create_all() creates a table for Author and one for Book"""
    tables = inspect(db.engine).get_table_names()
    assert solution.Author.__table__.name in tables, "create_all() should create the Author table"
    assert solution.Book.__table__.name in tables, "create_all() should create the Book table"


def test_models_take_keyword_arguments(db, solution):
    """Author can be built with name= and Book with title= keywords"""
    author = solution.Author(name="Ursula K. Le Guin")
    book = solution.Book(title="The Dispossessed")
    assert author.name == "Ursula K. Le Guin"
    assert book.title == "The Dispossessed"


def test_authors_with_books_small(db, solution):
    """authors_with_books() returns three authors in the asked order with their books"""
    shelf = {"Morrison": ["Beloved", "Sula"], "Atwood": [], "Lem": ["Solaris"]}
    for name, titles in shelf.items():
        author = solution.Author(name=name)
        db.session.add(author)
        for title in titles:
            author.books.append(solution.Book(title=title))
    db.session.commit()
    db.session.remove()

    result = solution.authors_with_books()
    assert type(result) is list, f"authors_with_books() should return a list, got {type(result).__name__}"
    for author in result:
        assert isinstance(author, solution.Author), "authors_with_books() should return Author objects"
    assert [author.name for author in result] == ["Atwood", "Lem", "Morrison"]
    for author in result:
        assert sorted(book.title for book in author.books) == shelf[author.name]
