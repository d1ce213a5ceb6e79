import { generateFleet } from '../bench/fleet-generator';
const [c, a] = (process.argv[2] ?? '200x50').split('x').map(Number);
const app = generateFleet({ clusters: c, apps: a, outdir: '/tmp/x' });
const t = Date.now();
app.renderFiles();
console.log('render ms', Date.now() - t);
