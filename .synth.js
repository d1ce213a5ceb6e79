require('/work/wt/dr/node_modules/ts-node').register({transpileOnly:true});
const {buildExampleFleet}=require('/work/wt/dr/examples/basic-fleet/main');
buildExampleFleet(process.argv[2], undefined, process.argv[3]).synth();
