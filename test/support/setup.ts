// End-to-end tests boot the real app and drive real MariaDB and Redis: allow them time.
jest.setTimeout(120_000);
