"""The Bot API transport: python-telegram-bot's `BaseRequest` over an aiohttp connection pool.

PTB's default httpx backend spends most of its CPU on connection-pool bookkeeping once many
requests wait on the network at once; this one keeps that cost flat, so a class of students
tapping together is limited by Telegram, not by the bot.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

ODVFloat = float | None | DefaultValue[Any]


class AiohttpRequest(BaseRequest):
    """Send Bot API requests through one shared aiohttp session."""

    def __init__(
        self,
        connections: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_read_timeout: float | None = 20.0,
    ) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_read_timeout = media_read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the connection pool (inside the running event loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the connection pool."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """Parse Telegram's answer with orjson; PTB's own parser says what is wrong otherwise."""
        try:
            parsed: JSONDict = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return BaseRequest.parse_json_payload(payload)
        return parsed

    async def do_request(  # noqa: PLR0917 - the signature is BaseRequest's
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVFloat = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVFloat = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVFloat = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVFloat = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; return the status code and the body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        has_files = bool(request_data and request_data.contains_files)
        read = _chosen(read_timeout, self._media_read_timeout if has_files else self._read_timeout)
        connect = _chosen(connect_timeout, self._connect_timeout)
        pool = _chosen(pool_timeout, self._pool_timeout)
        # aiohttp has no write timeout: an upload that stalls is caught by the read timeout.
        timeout = aiohttp.ClientTimeout(
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            body, headers = _body(request_data)
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _chosen(given: ODVFloat, default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def _body(
    request_data: RequestData | None,
) -> tuple[aiohttp.FormData | bytes | None, dict[str, str] | None]:
    """Return the request's body and headers: JSON by orjson, or a form when it has files."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return orjson.dumps(request_data.parameters), JSON_HEADERS
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, mime) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form, None


JSON_HEADERS = {"Content-Type": "application/json"}
