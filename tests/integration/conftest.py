from dataclasses import dataclass

import pytest

from tests.channels.fakes import FakeAPI
from tests.integration.chat_apps import chat_app_env
from tests.integration.servers import Servers, running_servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    with running_servers(tmp_path_factory.mktemp("servers")) as running:
        yield running


@dataclass
class ChatServers:
    """Rasa and action servers with the WhatsApp and Twilio channels, and the fakes of the Meta
    Graph API and the Twilio Messages API they answer to."""

    servers: Servers
    graph: FakeAPI
    twilio: FakeAPI


@pytest.fixture(scope="session")
def chat_servers(tmp_path_factory):
    """Shared by the WhatsApp, Twilio and load/fuzz modules (each test uses its own phones)."""
    with FakeAPI() as graph, FakeAPI() as twilio:
        env = chat_app_env(graph.url, twilio.url)
        with running_servers(tmp_path_factory.mktemp("chat-apps"), extra_env=env) as running:
            yield ChatServers(running, graph, twilio)
