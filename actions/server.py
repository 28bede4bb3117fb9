"""The action server with a table health route: `python -m actions.server --port 5055`.

The same server `rasa run actions` starts (rasa_sdk's Sanic app, the same options), plus
`GET /tables`: the live table version and the outcome of the last edit. 200 while a table is live,
with `last_error` set when an edit was refused (the bot keeps answering from the previous version);
503 when no table could be compiled at all. `/health` stays as it is.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app as create_sdk_app
from rasa_sdk.endpoint import create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request

from actions import common

logger = logging.getLogger(__name__)


def create_app(
    action_package: str = "actions", cors_origins: str | list[str] | None = "*", **kwargs
) -> Sanic:
    app = create_sdk_app(action_package, cors_origins=cors_origins, **kwargs)

    @app.listener("after_server_start")
    async def watch_tables(_app: Sanic, loop) -> None:
        try:
            await loop.run_in_executor(None, common.live)
        except Exception:  # the server still starts; /tables and the log say why
            logger.exception("could not start watching the entitlement tables")

    @app.get("/tables")
    async def tables(_: Request):
        status = common.live().status()
        return response.json(status, status=200 if status["version"] is not None else 503)

    return app


def main(argv: Sequence[str] | None = None) -> None:
    args = create_argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions or "actions", args.cors, auto_reload=args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as `rasa run actions` does
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    protocol = "https" if ssl_context else "http"
    logger.info("Action endpoint is up and running on %s://%s:%s", protocol, host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
