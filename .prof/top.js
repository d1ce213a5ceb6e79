const fs=require('fs');const f=fs.readdirSync('/tmp/prof')[0];const p=JSON.parse(fs.readFileSync('/tmp/prof/'+f));
const byId=new Map(p.nodes.map(n=>[n.id,n]));const parent=new Map();for(const n of p.nodes)for(const c of (n.children||[]))parent.set(c,n.id);
const total=new Map(), self=new Map();const dt=p.timeDeltas;
const key=n=>n.callFrame.functionName+' '+n.callFrame.url.split('/').slice(-2).join('/')+':'+n.callFrame.lineNumber;
for(let i=0;i<p.samples.length;i++){let id=p.samples[i];self.set(key(byId.get(id)),(self.get(key(byId.get(id)))||0)+dt[i]);const seen=new Set();while(id!==undefined){const k=key(byId.get(id));if(!seen.has(k)){seen.add(k);total.set(k,(total.get(k)||0)+dt[i]);}id=parent.get(id);}}
console.log([...self.entries()].sort((a,b)=>b[1]-a[1]).slice(0,14).map(([k,v])=>(v/1000).toFixed(0)+'ms '+k).join('\n'));
console.log('--');
const re=new RegExp(process.argv[2]||'render|toJson|toYaml|validate |secretErrors|findAll|fileNameOf|resolve |sanitize|apply|imagesOf|validate gitops');
console.log([...total.entries()].filter(([k])=>re.test(k)).sort((a,b)=>b[1]-a[1]).slice(0,25).map(([k,v])=>(v/1000).toFixed(0)+'ms '+k).join('\n'));
