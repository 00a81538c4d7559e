"""Hidden tests for many-to-many."""

from typing import Any

import pytest
from sqlalchemy import Integer, String, func, inspect, select
from sqlalchemy.orm import configure_mappers

from sandbox.harness.checks import (
    assert_column,
    assert_commit_refused,
    assert_list_of,
    assert_relationship,
    column,
    count_rows,
)

# Post ids, in the order the posts are inserted: ids and insertion order differ,
# and titles sort in yet another order.
POST_IDS = [7, 2, 11, 5, 3, 9]


def _holds(collection: Any, obj: Any) -> bool:
    """Whether ``obj`` itself (by identity, not ==) is in ``collection``."""
    return any(item is obj for item in collection)


def _link_table(solution: Any) -> tuple[Any, Any, Any]:
    """The association table: (table, column referencing Post.id, column referencing Tag.id)."""
    post_table = solution.Post.__table__
    tag_table = solution.Tag.__table__
    post_pk = column(solution.Post, "id")
    tag_pk = column(solution.Tag, "id")
    for table in post_table.metadata.tables.values():
        if table is post_table or table is tag_table:
            continue
        to_post = [fk.parent for fk in table.foreign_keys if fk.column is post_pk]
        to_tag = [fk.parent for fk in table.foreign_keys if fk.column is tag_pk]
        if to_post and to_tag:
            return table, to_post[0], to_tag[0]
    pytest.fail("no association table with a foreign key to Post.id and one to Tag.id")


def _links(db: Any, solution: Any, post_id: int, tag_id: int | None = None) -> int:
    """How many association rows point to the post (and the tag), asked of the database."""
    table, post_col, tag_col = _link_table(solution)
    query = select(func.count()).select_from(table).where(post_col == post_id)
    if tag_id is not None:
        query = query.where(tag_col == tag_id)
    return int(db.session.execute(query).scalar_one())


def _seed_posts(db: Any, solution: Any, ids: list[int] = POST_IDS) -> None:
    for post_id in ids:
        post = solution.Post(title=f"Post {100 - post_id}")
        post.id = post_id  # after the constructor: a dataclass model's may leave the key out
        db.session.add(post)
        db.session.flush()  # one INSERT each, in this order
    db.session.commit()


def _tag_id(db: Any, solution: Any, name: str) -> int | None:
    # Columns, not entities: a candidate's lazy="joined" collections would demand .unique().
    query = select(solution.Tag.id).where(solution.Tag.name == name)
    return db.session.execute(query).scalar_one_or_none()


def _tag_names_of(db: Any, solution: Any, post_id: int) -> list[str]:
    db.session.remove()
    post = db.session.get(solution.Post, post_id)
    return sorted(tag.name for tag in post.tags)


def _post_ids(result: Any, solution: Any) -> list[int]:
    assert_list_of(result, solution.Post, "posts_tagged's result")
    return [post.id for post in result]


def test_post_columns(db, solution):
    """Post.id is an integer primary key and Post.title is a required String(200)"""
    assert_column(solution.Post, "id", Integer, primary_key=True)
    assert_column(solution.Post, "title", String, length=200, nullable=False)


def test_tag_columns(db, solution):
    """Tag.id is an integer primary key and Tag.name is a required String(50)"""
    assert_column(solution.Tag, "id", Integer, primary_key=True)
    assert_column(solution.Tag, "name", String, length=50, nullable=False)


def test_tag_name_is_unique(db, solution):
    """a second tag with a taken name fails at commit with IntegrityError"""
    db.session.add(solution.Tag(name="python"))
    db.session.commit()
    assert_commit_refused(db, solution.Tag(name="python"), what="a second tag with a taken name")
    assert count_rows(db, solution.Tag) == 1


def test_association_table_references_both_sides(db, solution):
    """an association table with a foreign key to each side holds one row per link"""
    table, _, _ = _link_table(solution)
    assert inspect(db.engine).has_table(table.name), "create_all() should create the association table"
    _seed_posts(db, solution, [4])
    post = db.session.get(solution.Post, 4)
    tag = solution.Tag(name="sql")
    post.tags.append(tag)
    db.session.commit()
    assert _links(db, solution, 4, tag.id) == 1, "linking a post and a tag should add one association row"


def test_tags_and_posts_are_list_collections(db, solution):
    """Post.tags and Tag.posts are list-like relationships to the other model"""
    configure_mappers()
    assert_relationship(solution.Post, "tags", solution.Tag, many=True)
    assert_relationship(solution.Tag, "posts", solution.Post, many=True)
    assert isinstance(solution.Post(title="new").tags, list), "Post.tags should be list-like, not a query"
    assert isinstance(solution.Tag(name="new").posts, list), "Tag.posts should be list-like, not a query"

    _seed_posts(db, solution, [4])
    post = db.session.get(solution.Post, 4)
    post.tags.append(solution.Tag(name="sql"))
    db.session.commit()
    db.session.remove()

    tags = db.session.get(solution.Post, 4).tags
    assert isinstance(tags, list), f"Post.tags should be list-like, got {type(tags).__name__}"
    assert [type(t) for t in tags] == [solution.Tag] and tags[0].name == "sql"
    posts = tags[0].posts
    assert isinstance(posts, list), f"Tag.posts should be list-like, got {type(posts).__name__}"
    assert [type(p) for p in posts] == [solution.Post] and posts[0].id == 4


def test_appending_a_tag_updates_tag_posts(db, solution):
    """appending to post.tags updates tag.posts before any flush"""
    post = solution.Post(title="Hello")
    tag = solution.Tag(name="python")
    post.tags.append(tag)
    assert _holds(tag.posts, post), (
        "appending a tag to post.tags should put the post in tag.posts at once, before any flush"
    )


def test_appending_a_post_updates_post_tags(db, solution):
    """appending to tag.posts updates post.tags before any flush"""
    post = solution.Post(title="Hello")
    tag = solution.Tag(name="python")
    tag.posts.append(post)
    assert _holds(post.tags, tag), (
        "appending a post to tag.posts should put the tag in post.tags at once, before any flush"
    )


def test_add_tag_returns_the_post_and_commits(db, solution):
    """add_tag returns the session's post and commits the new tag and link"""
    _seed_posts(db, solution)
    result = solution.add_tag(11, "python")
    assert isinstance(result, solution.Post), "add_tag should return a Post"
    assert result.id == 11, "add_tag should return the post whose id it was given"
    assert result in db.session, "the returned post should belong to db.session"
    assert [t.name for t in result.tags] == ["python"]

    assert _tag_names_of(db, solution, 11) == ["python"], "the new link was not committed"
    assert _tag_id(db, solution, "python") is not None, "the new tag was not committed"
    assert count_rows(db, solution.Tag) == 1
    for other in POST_IDS:
        if other != 11:
            assert _links(db, solution, other) == 0, "other posts should not be tagged"


def test_add_tag_reuses_an_existing_tag(db, solution):
    """add_tag links an existing tag instead of creating another"""
    _seed_posts(db, solution)
    db.session.add(solution.Tag(name="python"))
    db.session.commit()
    existing = _tag_id(db, solution, "python")
    db.session.remove()

    solution.add_tag(7, "python")
    solution.add_tag(2, "python")
    db.session.remove()
    assert count_rows(db, solution.Tag) == 1, "add_tag should not create a tag whose name exists"
    assert _tag_id(db, solution, "python") == existing
    assert _links(db, solution, 7, existing) == 1
    assert _links(db, solution, 2, existing) == 1


def test_add_tag_never_links_twice(db, solution):
    """tagging a post twice with the same tag leaves one link"""
    _seed_posts(db, solution)
    solution.add_tag(5, "python")
    result = solution.add_tag(5, "python")
    assert [t.name for t in result.tags] == ["python"], "the post should carry the tag once"
    db.session.remove()
    solution.add_tag(5, "python")  # again, from a fresh session
    db.session.remove()

    tag_id = _tag_id(db, solution, "python")
    assert count_rows(db, solution.Tag) == 1
    assert _links(db, solution, 5, tag_id) == 1, "the same post and tag should be linked only once"
    assert _tag_names_of(db, solution, 5) == ["python"]


def test_tag_names_are_case_sensitive(db, solution):
    """tag names that differ only in case are different tags"""
    _seed_posts(db, solution)
    for name in ("Python", "python", "PYTHON", "python"):
        solution.add_tag(3, name)
    db.session.remove()
    assert count_rows(db, solution.Tag) == 3, "tags whose names differ only in case are different tags"
    assert _tag_names_of(db, solution, 3) == ["PYTHON", "Python", "python"]


def test_add_tag_unknown_post_raises_lookup_error(db, solution):
    """an unknown post id raises LookupError, creates no tag and leaves the session usable"""
    _seed_posts(db, solution)
    solution.add_tag(9, "python")
    db.session.remove()

    with pytest.raises(LookupError):
        solution.add_tag(999, "brand-new")
    assert _tag_id(db, solution, "brand-new") is None, "no tag should be created for an unknown post"
    db.session.commit()
    db.session.remove()
    assert _tag_id(db, solution, "brand-new") is None, "no tag should be created for an unknown post"
    assert count_rows(db, solution.Tag) == 1

    result = solution.add_tag(9, "brand-new")  # the session is still usable
    assert result.id == 9
    assert _tag_names_of(db, solution, 9) == ["brand-new", "python"]


def test_posts_tagged_returns_the_tagged_posts(db, solution):
    """posts_tagged returns a list of exactly the posts carrying that tag"""
    _seed_posts(db, solution)
    for post_id in (9, 2, 11):
        solution.add_tag(post_id, "python")
    for post_id in (7, 2):
        solution.add_tag(post_id, "sql")
    solution.add_tag(5, "Python")
    db.session.remove()

    assert sorted(_post_ids(solution.posts_tagged("python"), solution)) == [2, 9, 11]
    assert sorted(_post_ids(solution.posts_tagged("sql"), solution)) == [2, 7]
    assert _post_ids(solution.posts_tagged("Python"), solution) == [5]


def test_posts_tagged_orders_by_id(db, solution):
    """posts_tagged returns the posts in the required order"""
    _seed_posts(db, solution)
    for post_id in (9, 2, 11, 5, 3):
        solution.add_tag(post_id, "python")
    solution.add_tag(7, "sql")
    db.session.remove()

    ids = _post_ids(solution.posts_tagged("python"), solution)
    assert sorted(ids) == [2, 3, 5, 9, 11], "posts_tagged should return every tagged post"
    assert ids == [2, 3, 5, 9, 11], "the posts should be ordered by id ascending"


def test_posts_tagged_unknown_tag_gives_empty_list(db, solution):
    """a tag nobody uses gives an empty list"""
    _seed_posts(db, solution)
    solution.add_tag(2, "python")
    db.session.remove()
    result = solution.posts_tagged("rust")
    assert type(result) is list, f"the result should be a list, got {type(result).__name__}"
    assert len(result) == 0, "a tag nobody uses should give []"


def test_deleting_a_post_removes_its_links(db, solution):
    """deleting a post removes its association rows and no one else's"""
    _seed_posts(db, solution)
    for name in ("python", "sql"):
        solution.add_tag(7, name)
        solution.add_tag(3, name)
    db.session.remove()

    db.session.delete(db.session.get(solution.Post, 7))
    db.session.commit()
    db.session.remove()
    assert db.session.get(solution.Post, 7) is None, "the post should be deleted"
    assert _links(db, solution, 7) == 0, "deleting a post should remove its association rows"
    assert _links(db, solution, 3) == 2, "the other post's links should remain"


def test_deleting_a_post_keeps_its_tags(db, solution):
    """deleting a post keeps its tags, and other posts keep them too"""
    _seed_posts(db, solution)
    for name in ("python", "sql"):
        solution.add_tag(7, name)
    solution.add_tag(3, "python")
    db.session.remove()

    db.session.delete(db.session.get(solution.Post, 7))
    db.session.commit()
    db.session.remove()
    assert sorted(db.session.scalars(select(solution.Tag.name))) == ["python", "sql"], (
        "deleting a post should keep its tags"
    )
    assert _tag_names_of(db, solution, 3) == ["python"], "other posts should keep their tags"
