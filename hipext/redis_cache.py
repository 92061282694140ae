"""Django's Redis cache backend, keeping one client per connection pool.

Django builds a new ``redis.Redis`` for every cache operation, which costs about a tenth
of a millisecond of Python (the client copies its table of response callbacks). The
client holds no state besides its pool and is thread-safe, so one per pool is enough;
on the API's cached path that is a large share of the request.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
