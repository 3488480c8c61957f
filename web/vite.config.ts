import { VantResolver } from '@vant/auto-import-resolver';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath, URL } from 'node:url';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Vant's icon font is inlined (woff2 as a data: URL) with a fallback on a public CDN: the fallback is
 * dropped, so the app loads nothing from another origin (the CSP allows none) and works offline.
 */
function vantIconsInline(): Plugin {
  return {
    name: 'jifen:vant-icons-inline',
    enforce: 'pre',
    transform(code, id) {
      if (!/vant[\\/](es|lib)[\\/]icon[\\/]index\.css/.test(id)) return null;
      return code.replace(/,\s*url\((?:https?:)?\/\/at\.alicdn\.com[^)]*\)\s*format\("[a-z0-9]+"\)/g, '');
    },
  };
}

// The web app: one Vue application whose three parts (resident mall on Vant, counter on Vant,
// console on Element Plus) are lazy route chunks, so the resident's first load carries neither the
// console nor the counter. Components and their styles are imported on demand by the resolvers.
export default defineConfig({
  plugins: [
    vantIconsInline(),
    vue(),
    Components({
      dts: false,
      resolvers: [VantResolver(), ElementPlusResolver({ importStyle: 'css' })],
    }),
    VitePWA({
      // Registered by the counter only (src/counter/service-worker.ts): residents never install it.
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: {
        name: '积分超市',
        short_name: '积分超市',
        description: '社区积分制的积分商城、柜台核销与管理后台',
        lang: 'zh-CN',
        start_url: '/counter',
        display: 'standalone',
        background_color: '#f5f6f8',
        theme_color: '#d7261e',
        icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/health/, /^\/admin\//],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 1200 },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3100', '/health': 'http://localhost:3100' },
  },
});
