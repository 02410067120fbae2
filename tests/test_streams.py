"""Named random streams: keyed by name, independent of creation order and of each other."""

import numpy as np

from staffsim.engine.streams import Streams, replication_seed


def test_streams_do_not_depend_on_creation_order():
    a = Streams(replication_seed(5, 3))
    x1 = a.get("absence").random(5)
    y1 = a.get("needs").random(5)
    b = Streams(replication_seed(5, 3))
    y2 = b.get("needs").random(5)
    x2 = b.get("absence").random(5)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(x1, y1)


def test_replications_and_years_differ():
    s = Streams(replication_seed(5, 0))
    t = Streams(replication_seed(5, 1))
    assert not np.array_equal(s.get("absence").random(3), t.get("absence").random(3))
    assert not np.array_equal(s.get("absence", 0).random(3), s.get("absence", 1).random(3))


def test_unknown_stream_name_is_refused():
    import pytest

    with pytest.raises(KeyError):
        Streams(1).get("absense")
