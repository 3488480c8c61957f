import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import { useSession } from './stores/session';
import './styles/base.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);

// Any 401 (expired token, disabled user, changed roles) or the token's own expiry: back to login.
const session = useSession();
session.onExpired(() => {
  const here = router.currentRoute.value;
  if (here.path !== '/login') void router.replace({ path: '/login', query: { redirect: here.fullPath } });
});

app.mount('#app');
