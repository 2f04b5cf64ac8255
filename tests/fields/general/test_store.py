"""The specialists' store: two training runs of one type at once each get their own version."""
import fcntl
import multiprocessing
import time

from extraction.fields.general import store
from extraction.fields.general.specialist import Specialist

NAME = "store_race_t"


def _train_one(models_dir, started):
    """What a training run does with the store: take the next version, train a while, save it."""
    with store.training_lock(NAME, models_dir):
        started.set()
        version = store.next_version(NAME, models_dir)
        time.sleep(0.3)  # training
        store.save(Specialist(NAME, version, {}, {"pid": multiprocessing.current_process().pid}), models_dir)


def test_two_runs_at_once_take_different_versions_and_neither_is_overwritten(tmp_path):
    context = multiprocessing.get_context("fork")
    runs = [(context.Process(target=_train_one, args=(tmp_path, event)), event)
            for event in (context.Event(), context.Event())]
    for process, _ in runs:
        process.start()
    for process, _ in runs:
        process.join(10)
        assert process.exitcode == 0
    listed = store.versions(NAME, tmp_path)
    assert [v["version"] for v in listed] == ["v1", "v2"]
    assert {v["pid"] for v in listed} == {p.pid for p, _ in runs}


def test_the_lock_is_released_when_its_holder_dies(tmp_path):
    context = multiprocessing.get_context("fork")
    started = context.Event()
    holder = context.Process(target=_train_one, args=(tmp_path, started))
    holder.start()
    assert started.wait(10)
    holder.kill()
    holder.join(10)
    with open(store.type_dir(NAME, tmp_path) / store.LOCK_FILE) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # would raise BlockingIOError if still held
