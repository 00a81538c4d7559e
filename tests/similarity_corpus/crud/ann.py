from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.String(120))


def create_user(name, email=None):
    # check first so we never hit the unique constraint
    if User.query.filter_by(name=name).first() is not None:
        raise ValueError("name already taken: %s" % name)
    user = User(name=name, email=email)
    db.session.add(user)
    db.session.commit()
    return user


def get_user(name):
    return User.query.filter_by(name=name).first()


def update_email(name, email):
    user = get_user(name)
    if not user:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name):
    user = get_user(name)
    if not user:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
