import { expect } from 'chai';
import { ConfigError, helpText, parseFlags } from '../src/flags.ts';
import type { FlagSpec } from '../src/flags.ts';

const TABLE = [
  { name: 'port', env: 'PORT', default: '9443', value: 'N', help: 'HTTPS port' },
  { name: 'kubeconfig', env: 'KUBECONFIG', value: 'FILE', help: 'cluster' },
  { name: 'leader-elect', env: 'LEADER_ELECT', default: 'false', boolean: true, help: 'elect' },
  { name: 'no-cache', boolean: true, help: 'no cache' },
] as const satisfies readonly FlagSpec[];

describe('runtime flags: one table, parseArgs, variables and defaults', () => {
  it('a flag wins over its variable, the variable over the default', () => {
    expect(parseFlags(TABLE, [], {}).values).to.deep.equal({ port: '9443', 'leader-elect': 'false' });
    expect(parseFlags(TABLE, [], { PORT: '1' }).values.port).to.equal('1');
    expect(parseFlags(TABLE, ['--port=2'], { PORT: '1' }).values.port).to.equal('2');
    expect(parseFlags(TABLE, ['--port', '3'], {}).values.port).to.equal('3');
    expect(parseFlags(TABLE, ['--kubeconfig='], { KUBECONFIG: '/k' }).values.kubeconfig).to.equal('');
  });

  it('booleans: bare, =value, or the next word true/false; a flag named no-… is its own flag', () => {
    expect(parseFlags(TABLE, ['--leader-elect'], {}).values['leader-elect']).to.equal('true');
    expect(parseFlags(TABLE, ['--leader-elect=false'], { LEADER_ELECT: 'true' }).values['leader-elect']).to.equal(
      'false',
    );
    expect(parseFlags(TABLE, ['--leader-elect', 'false', '--port=1'], {}).values).to.include({
      'leader-elect': 'false',
      port: '1',
    });
    expect(parseFlags(TABLE, ['--no-cache'], {}).values['no-cache']).to.equal('true');
    expect(() => parseFlags(TABLE, ['--leader-elect=maybe'], {})).to.throw(ConfigError, /--leader-elect: "maybe"/);
  });

  it('unknown flags, stray words and missing values name the flag', () => {
    expect(() => parseFlags(TABLE, ['--nope=1'], {})).to.throw(ConfigError, /unknown flag --nope; known: --port/);
    expect(() => parseFlags(TABLE, ['port'], {})).to.throw(ConfigError, /unexpected argument "port"/);
    expect(() => parseFlags(TABLE, ['--port'], {})).to.throw(ConfigError, /--port needs a value/);
  });

  it('-h and --help ask for the help text, which lists every flag with its variable and default', () => {
    expect(parseFlags(TABLE, ['-h'], {}).help).to.equal(true);
    expect(parseFlags(TABLE, ['--help'], {}).help).to.equal(true);
    const text = helpText('Usage: x', TABLE);
    expect(text).to.match(/^Usage: x\n/);
    expect(text).to.match(/--port N +HTTPS port \[PORT\] \(default 9443\)/);
    expect(text).to.contain('--kubeconfig FILE');
    expect(text).to.match(/-h, --help +this text/);
  });
});
