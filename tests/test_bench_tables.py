"""bench/run.py's report tables, from results made up here (no build is run)."""
from measure import Measured
from run import FLOORS, Series, SizeResults, floors_table, targets_table


def _series(*seconds: float) -> Series:
    """Runs that took `seconds`; a floor's run prints its inner loop's time last, as bench/floors.py does."""
    return Series([Measured(s, 10_000_000, 10_000_000, 10_000_000, f'{{"inner_seconds": {s / 2}}}')
                   for s in seconds], [0] * len(seconds))


def test_floors_left_out_with_floor_runs_0_leave_their_rows_out_and_the_report_still_made():
    results = SizeResults(1000)
    results.ours["cold"], results.ours["no-op"], results.ours["edit"] = _series(4.0), _series(0.5), _series(0.4)
    assert floors_table([results]).count("\n") == 1  # the header and its rule only (no trailing newline)
    results.floors["read"] = _series(0.1)
    rows = floors_table([results]).splitlines()[2:]
    assert [row.split(" | ")[1] for row in rows] == [FLOORS["read"]]
    assert "| 40.00 |" in rows[0]  # our cold build over the floor's whole process
    assert "no-op close to reading every source once" in targets_table([results])
