require('/work/wt/dr/node_modules/ts-node').register({transpileOnly:true});
const {main}=require('/work/wt/dr/src/cli/main');
process.exitCode = main(process.argv.slice(2));
