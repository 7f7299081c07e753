"""Requests released together from several threads, each with its own connection."""

import threading

from django.db import connection


def at_once(calls: int, request) -> list:
    """Run `request()` in `calls` threads released together; their results in order."""
    start = threading.Barrier(calls)
    responses: list = [None] * calls

    def run(i: int) -> None:
        try:
            start.wait()
            responses[i] = request(i)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses
