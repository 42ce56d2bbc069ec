"""The operators' stack for the dashboard's and the CLI's tests: started once for this
folder and stopped when its tests are done, so it does not idle through the rest of the
session."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from devstack.apt import AptError
from devstack.browser import BrowserMissingError
from devstack.stack import Stack
from tests.conftest import TEST_APP_ENV
from tests.support.browser import chromium, ensure_browser
from tests.support.operator_stack import operator_stack as started_operator_stack


@pytest.fixture(scope="package")
def operator_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A local stack where orders wait 10 minutes for approval (6 s in `stack`): an
    operator's steps, slow on a loaded machine, never race the approval timer."""
    with started_operator_stack(tmp_path_factory.mktemp("operator"), TEST_APP_ENV) as stack:
        yield stack


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    try:
        path = ensure_browser()
        with chromium(path) as running:
            yield running
    except (BrowserMissingError, AptError) as error:
        pytest.fail(f"the dashboard tests need Chromium (`make browser` installs it): {error}")
