/**
 * Python 3 names as pickle protocols 0–2 write them: CPython's pickler (fix_imports) turns module and global names
 * into their Python 2 spellings so that Python 2 could read the file (`builtins.set` → `__builtin__ set`). The data
 * are CPython's `_compat_pickle.REVERSE_IMPORT_MAPPING` and `REVERSE_NAME_MAPPING` (the parts a checkpoint can meet).
 */

/** Python 3 module → Python 2 module. */
const MODULES: ReadonlyMap<string, string> = new Map(
  (
    'builtins __builtin__|copyreg copy_reg|queue Queue|socketserver SocketServer|configparser ConfigParser|' +
    'reprlib repr|_markupbase markupbase|winreg _winreg|_thread thread|_dummy_thread dummy_thread|dbm.bsd dbhash|' +
    'dbm.dumb dumbdbm|dbm.ndbm dbm|dbm.gnu gdbm|xmlrpc.client xmlrpclib|xmlrpc.server SimpleXMLRPCServer|' +
    'http.client httplib|html.entities htmlentitydefs|html.parser HTMLParser|http.cookies Cookie|' +
    'http.cookiejar cookielib|http.server BaseHTTPServer|test.support test.test_support|subprocess commands|' +
    'urllib.parse urlparse|urllib.robotparser robotparser|urllib.request urllib2|dbm anydbm|collections.abc _abcoll|' +
    '_bz2 bz2|_dbm dbm|_functools functools|_gdbm gdbm|_pickle pickle'
  )
    .split('|')
    .map((pair) => pair.split(' ') as [string, string]),
);

/** builtins.<name> → module and name in Python 2. */
const BUILTIN_NAMES: ReadonlyMap<string, [string, string]> = new Map([
  ['range', ['__builtin__', 'xrange']],
  ['chr', ['__builtin__', 'unichr']],
  ['str', ['__builtin__', 'unicode']],
  ['int', ['__builtin__', 'long']],
  ['zip', ['itertools', 'izip']],
  ['map', ['itertools', 'imap']],
  ['filter', ['itertools', 'ifilter']],
]);

/** Python 3 exceptions that Python 2 names differently (the OSError family, ModuleNotFoundError). */
const OS_ERRORS = new Set(
  (
    'BrokenPipeError ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ' +
    'ConnectionResetError FileExistsError FileNotFoundError InterruptedError IsADirectoryError NotADirectoryError ' +
    'PermissionError ProcessLookupError TimeoutError'
  ).split(' '),
);

/** Names of builtins exceptions that live in Python 2's `exceptions` module under the same name. */
const EXCEPTIONS = new Set(
  (
    'ArithmeticError AssertionError AttributeError BaseException BufferError BytesWarning DeprecationWarning ' +
    'EOFError EnvironmentError Exception FloatingPointError FutureWarning GeneratorExit IOError ImportError ' +
    'ImportWarning IndentationError IndexError KeyError KeyboardInterrupt LookupError MemoryError NameError ' +
    'NotImplementedError OSError OverflowError PendingDeprecationWarning ReferenceError RuntimeError RuntimeWarning ' +
    'StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TypeError UnboundLocalError ' +
    'UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ' +
    'ValueError Warning ZeroDivisionError'
  ).split(' '),
);

/** The module and name a protocol 0–2 GLOBAL opcode carries for the Python 3 global `module.name`. */
export function python2Name(module: string, name: string): [string, string] {
  if (module === 'builtins') {
    const renamed = BUILTIN_NAMES.get(name);
    if (renamed) return renamed;
    if (OS_ERRORS.has(name)) return ['exceptions', 'OSError'];
    if (name === 'ModuleNotFoundError') return ['exceptions', 'ImportError'];
    if (EXCEPTIONS.has(name)) return ['exceptions', name];
  }
  if ((module === 'functools' || module === '_functools') && name === 'reduce') return ['__builtin__', 'reduce'];
  if (module === 'sys' && name === 'intern') return ['__builtin__', 'intern'];
  return [MODULES.get(module) ?? module, name];
}

/**
 * Python 2 module → Python 3 module: the inverse of MODULES without its one-way entries (Python 3's private
 * accelerator modules such as `_functools` are written as `functools`, which loads as `functools` itself).
 */
const MODULES_PY3: ReadonlyMap<string, string> = new Map(
  [...MODULES].filter(([py3, py2]) => `_${py2}` !== py3).map(([py3, py2]) => [py2, py3]),
);

/**
 * The Python 3 global a protocol 0–2 GLOBAL names (pickle's fix_imports when loading): the inverse of python2Name
 * for the names a checkpoint can meet (`__builtin__ set` → `builtins.set`, `exceptions ValueError` →
 * `builtins.ValueError`).
 */
export function python3Name(module: string, name: string): [string, string] {
  if (module === 'exceptions') return ['builtins', name];
  for (const [py3, [m, n]] of BUILTIN_NAMES) if (m === module && n === name) return ['builtins', py3];
  if (module === '__builtin__' && name === 'reduce') return ['functools', 'reduce'];
  if (module === '__builtin__' && name === 'intern') return ['sys', 'intern'];
  return [MODULES_PY3.get(module) ?? module, name];
}
