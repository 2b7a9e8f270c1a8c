"""The bookings burst (bench/booking_burst.py) with as many people as you like.

    .venv/bin/python bench/booking_burst_clients.py --clients 50

Reuses booking_burst.py from the bookings work as it is: two gunicorn servers on
one Postgres database, every person opening the form and then pressing "Book" on
the same time at once. Expects exactly one booking, 409 for everyone else, no 5xx.
Only the burst runs (not the throughput part).
"""

import argparse

import booking_burst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="people pressing Book (50)")
    args = parser.parse_args()
    booking_burst.PEOPLE = args.clients
    booking_burst.prepare_database()
    servers = booking_burst.start_servers()
    try:
        booking_burst.burst()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
