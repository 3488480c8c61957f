import { buildDataSourceOptions, parseDatabaseUrl } from './database-options';

describe('DATABASE_URL', () => {
  it('names a Unix socket with ?socketPath=, which the pool then connects through', () => {
    const url = 'mysql://root@localhost/jifen?socketPath=/run/mysqld/mysqld.sock';
    expect(parseDatabaseUrl(url)).toMatchObject({
      host: 'localhost',
      database: 'jifen',
      socketPath: '/run/mysqld/mysqld.sock',
    });
    expect(buildDataSourceOptions(url, 'mariadb')).toMatchObject({
      socketPath: '/run/mysqld/mysqld.sock',
      database: 'jifen',
    });
  });

  it('without it, connects over TCP to host:port', () => {
    const p = parseDatabaseUrl('mysql://u:p%40ss@127.0.0.1:3307/db');
    expect(p).toEqual({
      scheme: 'mysql',
      host: '127.0.0.1',
      port: 3307,
      username: 'u',
      password: 'p@ss',
      database: 'db',
    });
    expect(buildDataSourceOptions('mysql://root@127.0.0.1/db', 'mysql')).not.toHaveProperty('socketPath');
  });
});
