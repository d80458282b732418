"""One load client: GET a page again and again until a deadline, over loopback, timing each answer.

Imported by the processes `load.py` spawns, so it imports nothing of the portal: the client's
work must not compete with the server's for the interpreter.
"""

import http.client
import time
from typing import Any


def drive(
    host: str, port: int, path: str, headers: dict[str, str], seconds: float
) -> dict[str, Any]:
    """Latencies (seconds) of the answers that were 200, and the count of the ones that were not.

    gunicorn's sync workers close each connection after the answer, as they do in production: one
    connection per request.
    """
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    while True:
        began = time.perf_counter()
        if began >= deadline:
            break
        try:
            connection = http.client.HTTPConnection(host, port, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            continue
        if status == 200:
            latencies.append(time.perf_counter() - began)
        else:
            errors[str(status)] = errors.get(str(status), 0) + 1
    return {"latencies": latencies, "errors": errors}
