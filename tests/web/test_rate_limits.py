"""Rate limits hold across app processes when they share Redis, as in production."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import redis

from engage import create_app
from engage.extensions import db
from tests.conftest import post_form

REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS, reason="needs Redis (TEST_REDIS_URL)")
def test_sign_in_limit_is_shared_by_workers_through_redis(tmp_path: Path) -> None:
    prefix = f"engage-test-{uuid.uuid4().hex}"
    settings = {
        "TESTING": True,
        "SECRET_KEY": "x",
        "INSTANCE_PATH": tmp_path,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.db'}",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    first_worker, second_worker = create_app(settings), create_app(settings)
    with first_worker.app_context():
        db.create_all()
    statuses = []
    for attempt in range(6):
        worker = first_worker if attempt % 2 == 0 else second_worker
        with worker.app_context():
            response = post_form(
                worker.test_client(),
                "/account/sign-in",
                {"email": "someone@example.org", "password": "guess"},
            )
            statuses.append(response.status_code)
            db.session.remove()
    assert statuses == [200, 200, 200, 200, 200, 429]
    # The counts live in Redis, where every worker process and host sees them.
    assert redis.Redis.from_url(REDIS).keys(f"*{prefix}*")
    with first_worker.app_context():
        db.engine.dispose()
