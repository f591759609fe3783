import time

from histoscope_train.train import BudgetClock


def _spin(cpu_seconds):
    end = time.process_time() + cpu_seconds
    while time.process_time() < end:
        pass


def test_cpu_budget_does_not_count_time_the_process_waits():
    cpu, wall = BudgetClock("cpu", threads=1), BudgetClock("wall", threads=1)
    time.sleep(0.4)  # as if another program had the CPU
    _spin(0.2)
    assert wall.elapsed() >= 0.6  # the sleep and the spin
    assert 0.2 <= cpu.elapsed() < 0.45


def test_cpu_budget_is_per_thread_and_resumes_where_it_stopped():
    clock = BudgetClock("cpu", threads=2)
    _spin(0.3)  # one busy thread of two: half the budget time
    assert 0.15 <= clock.elapsed() < 0.25
    clock.resume_from(600.0)
    assert 600.0 <= clock.elapsed() < 600.1
