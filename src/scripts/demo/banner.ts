import { AppConfig, DEV_ADMIN_PASSWORD } from '../../config/configuration';
import { DEMO, DEMO_LOGINS, DEMO_PASSWORD, RESIDENTS } from './world';

/** The demo logins as printable lines (the platform administrator first). */
export function demoLoginLines(config: AppConfig): string[] {
  const adminPassword =
    config.adminPassword === DEV_ADMIN_PASSWORD ? DEV_ADMIN_PASSWORD : '(the value of ADMIN_PASSWORD)';
  const width = Math.max(...DEMO_LOGINS.map((l) => l.username.length), config.adminUsername.length) + 2;
  const line = (user: string, password: string, roles: string, note: string) =>
    `  ${user.padEnd(width)}${password.padEnd(12)}${roles.padEnd(17)}${note}`;
  return [
    line('username', 'password', 'role', 'who'),
    line(config.adminUsername, adminPassword, 'city_admin', 'platform administrator (every city)'),
    ...DEMO_LOGINS.map((l) => line(l.username, DEMO_PASSWORD, l.roles.join(','), l.note)),
    `  ... and ${RESIDENTS.length - 1} more residents (wang.jianguo, li.guifang, wang.defu, ...), password ${DEMO_PASSWORD}`,
  ];
}

/** Ids worth pasting into curl. */
export function demoIdLines(): string[] {
  return [
    `  蚌埠市 ${DEMO.regions.bengbu}   桃花园社区 ${DEMO.regions.taohuayuan}`,
    `  里仁村 ${DEMO.regions.liren}   惠民超市 ${DEMO.organizations.huimin}`,
  ];
}
