"""The cycle's CRM seam (segment records into the optimizer) and a hotel made from its data."""

import numpy as np
import pandas as pd
import pytest

from yieldopt.cycle import fullest_night, nightly_controls, property_from_reservations
from yieldopt.errors import InputError
from yieldopt.ingest import Property, read_reservations, validate_reservations

from .test_cycle import SAMPLE

HOTEL = Property(name="City Hotel", capacity=25, currency="EUR", walk_cost=200.0)
AS_OF = "2025-01-31"


@pytest.fixture(scope="module")
def sample():
    return read_reservations(SAMPLE, property="City Hotel").reservations


def reservations() -> pd.DataFrame:
    # Two segments, stays around the as-of day 2024-03-05; rooms 2 + 1 + 3 overlap on 03-02.
    rows = [
        ("a", "2024-03-01", 3, "leisure", "2024-02-01", "checked_out", 2, 100.0),
        ("b", "2024-03-02", 1, "corporate", "2024-02-10", "checked_out", 1, 140.0),
        ("c", "2024-03-02", 2, "leisure", "2024-02-15", "checked_out", 3, 80.0),
        ("d", "2024-03-12", 2, "leisure", "2024-03-01", "booked", 1, 100.0),
        ("e", "2024-03-13", 1, "corporate", "2024-03-05", "booked", 1, 150.0),
        ("f", "2024-03-05", 2, "leisure", "2024-02-20", "cancelled", 1, 90.0),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "reservation_id",
            "arrival",
            "nights",
            "segment",
            "booked_at",
            "status",
            "rooms",
            "rate",
        ],
    )
    frame["property"] = "H"
    frame["arrival"] = pd.to_datetime(frame["arrival"])
    frame["booked_at"] = pd.to_datetime(frame["booked_at"])
    frame["cancelled_at"] = pd.NaT
    frame.loc[frame["status"] == "cancelled", "cancelled_at"] = pd.Timestamp("2024-02-25")
    frame["guests"] = 2
    frame["room_type"] = "A"
    return validate_reservations(frame)


def test_segment_records_set_the_stays_values(sample):
    res = sample
    records = [
        {"id": "corporate", "ancillary": 10.0, "cost_to_serve": 4.0, "future_value": 30.0},
        {"id": "unknown", "future_value": 99.0},  # ignored
    ]
    plain = nightly_controls(res, HOTEL, AS_OF, horizon=10)
    valued = nightly_controls(res, HOTEL, AS_OF, horizon=10, segments=records)
    net0, net1 = plain.network, valued.network
    assert np.all(net0.adjustments == 0.0)  # classic RM without records
    seg = np.array([p.segment for p in net1.products], dtype=object)
    # price + ancillary - cost_to_serve + future_value = price + 36 for corporate stays
    np.testing.assert_allclose(
        net1.values[seg == "corporate"], net1.prices[seg == "corporate"] + 36
    )
    np.testing.assert_allclose(net1.values[seg != "corporate"], net1.prices[seg != "corporate"])
    adj = valued.inputs["segment_adjustment"]
    assert adj["corporate"] == 36.0 and set(adj.values()) == {0.0, 36.0}
    assert valued.objective >= plain.objective - 1e-9  # the same plan is worth at least as much


def test_bad_segment_records_name_the_field(sample):
    with pytest.raises(InputError, match=r"segments\[0\]"):
        nightly_controls(sample, HOTEL, AS_OF, horizon=5, segments=[{"x": 1}])
    with pytest.raises(InputError, match=r"segments\['direct'\].future_value"):
        nightly_controls(
            sample, HOTEL, AS_OF, horizon=5, segments=[{"id": "direct", "future_value": "x"}]
        )


def test_a_hotel_from_its_reservations_by_hand():
    res = reservations()
    # Checked-out room-nights: a 03-01..03-03 (2 rooms), b 03-02 (1), c 03-02..03-03 (3):
    # 03-02 holds 2 + 1 + 3 = 6 rooms, the fullest night.
    assert fullest_night(res) == 6
    prop = property_from_reservations(res)
    assert (prop.name, prop.capacity, prop.currency) == ("H", 6, "XXX")
    assert prop.walk_cost == pytest.approx(2 * 100.0)  # median of 100, 140, 80
    assert property_from_reservations(res, capacity=4, walk_cost=50.0).capacity == 4
    with pytest.raises(InputError, match="capacity"):
        property_from_reservations(res, capacity=0)
    two = pd.concat([res, res.assign(property="G", reservation_id=res["reservation_id"] + "2")])
    with pytest.raises(InputError, match="property"):
        property_from_reservations(two)
