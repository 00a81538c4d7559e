"""Hidden tests for eager-loading: the books must come without one query per author."""

from sqlalchemy import Integer, String

from sandbox.harness.checks import assert_column, assert_foreign_key, assert_list_of

# 25 authors, inserted in an order that is neither ascending nor descending by
# name (SQLite's reverse_unordered_selects is on). Author i of this list gets
# i % 5 books, so five authors have none and the others have 1 to 4.
AUTHORS = [
    "Nabokov", "Calvino", "Woolf", "Achebe", "Sartre",
    "Kafka", "Zola", "Eliot", "Proust", "Hesse",
    "Verne", "Borges", "Orwell", "Tolstoy", "Gogol",
    "Yeats", "Dickens", "Lessing", "Ibsen", "Rilke",
    "Mann", "Updike", "Joyce", "Faulkner", "Queneau",
]
BOOKS = {name: [f"{name} volume {k}" for k in range(1, index % 5 + 1)] for index, name in enumerate(AUTHORS)}
WITHOUT_BOOKS = sorted(name for name, titles in BOOKS.items() if not titles)


def _seed(db, solution):
    """Insert every author with its books, commit, and empty the session."""
    for name in AUTHORS:
        author = solution.Author(name=name)
        db.session.add(author)
        for title in BOOKS[name]:
            author.books.append(solution.Book(title=title))
    db.session.commit()
    db.session.remove()


def _authors(solution):
    result = solution.authors_with_books()
    return assert_list_of(result, solution.Author, "authors_with_books()")


# --- the models -------------------------------------------------------------------


def test_author_columns(db, solution):
    """Author.id is an integer primary key and Author.name a required String(100)"""
    assert_column(solution.Author, "id", Integer, primary_key=True)
    assert_column(solution.Author, "name", String, length=100, nullable=False)


def test_book_columns(db, solution):
    """Book.id is an integer primary key and Book.title a required String(200)"""
    assert_column(solution.Book, "id", Integer, primary_key=True)
    assert_column(solution.Book, "title", String, length=200, nullable=False)


def test_author_id_is_a_required_foreign_key(db, solution):
    """Book.author_id is a not-null foreign key to the Author primary key"""
    assert_column(solution.Book, "author_id", nullable=False)
    assert_foreign_key(solution.Book, "author_id", solution.Author)


def test_books_and_author_relationships(db, solution):
    """Author.books is a list of the author's Book objects and Book.author is the owning Author"""
    _seed(db, solution)
    for author in db.session.scalars(db.select(solution.Author)).unique().all():
        books = author.books
        assert isinstance(books, list), (
            f"Author.books should be a list of Book, got {type(books).__name__}"
        )
        for book in books:
            assert isinstance(book, solution.Book), "Author.books should hold Book objects"
            owner = book.author
            assert isinstance(owner, solution.Author), "Book.author should be the book's Author"
            assert owner.id == author.id, "Book.author should be the author the book belongs to"
        assert sorted(book.title for book in books) == BOOKS[author.name], (
            "Author.books should hold exactly the author's books"
        )


# --- authors_with_books -----------------------------------------------------------


def test_authors_with_books_returns_a_list(db, solution):
    """authors_with_books() returns a list of Author objects that belong to db.session"""
    _seed(db, solution)
    authors = _authors(solution)
    assert authors, "authors_with_books() returned no authors"
    for author in authors:
        assert author in db.session, "authors_with_books() should return authors that belong to db.session"


def test_authors_in_name_order(db, solution):
    """authors_with_books() returns the authors in the asked order"""
    _seed(db, solution)
    names = [author.name for author in _authors(solution)]
    assert names == sorted(names), "authors_with_books() should return the authors by name ascending"


def test_authors_without_books_included(db, solution):
    """authors_with_books() returns every author, those without books included"""
    _seed(db, solution)
    names = {author.name for author in _authors(solution)}
    missing = [name for name in WITHOUT_BOOKS if name not in names]
    assert not missing, "authors_with_books() should include the authors who have no books"
    assert names == set(AUTHORS), "authors_with_books() should return every author"


def test_each_author_once(db, solution):
    """authors_with_books() returns each author exactly once"""
    _seed(db, solution)
    ids = [author.id for author in _authors(solution)]
    assert len(ids) == len(set(ids)), "authors_with_books() should return each author only once"
    assert len(ids) == len(AUTHORS), "authors_with_books() should return every author"


def test_loaded_books_are_the_authors_books(db, solution):
    """each returned author's books are exactly that author's books"""
    _seed(db, solution)
    for author in _authors(solution):
        books = list(author.books)
        for book in books:
            assert isinstance(book, solution.Book), "Author.books should hold Book objects"
        assert sorted(book.title for book in books) == BOOKS[author.name], (
            "each author returned should carry exactly its own books"
        )


def test_at_most_two_selects(db, solution, sql):
    """calling authors_with_books() and reading every author's books and titles runs at most 2
    SELECTs for 25 authors
    """
    _seed(db, solution)
    with sql.record() as log:
        authors = solution.authors_with_books()
        titles = [book.title for author in authors for book in author.books]
    assert set(titles) == {t for ts in BOOKS.values() for t in ts}, "every book should be reached"
    count = len(log.selects)
    assert count <= 2, (
        f"authors_with_books() and then reading every author's books and their titles "
        f"ran {count} SELECT statements for {len(AUTHORS)} authors; at most 2 are allowed"
    )
