"""A parent with many children: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: name (String(50), not null)
    # TODO: addresses, a list of Address kept in sync with Address.user;
    #       deleting a user, or removing an address from the list, deletes the address


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: email (String(120), not null)
    # TODO: user_id, a foreign key to the user's primary key, not null
    # TODO: user, the owning User
