// Types of bin/start.js (plain JavaScript: it runs before anything compiles TypeScript).
export declare const BUNDLE: string;
export declare const STAMP: string;
export declare function stampOf(root: string, files: string[]): { files: [string, number, number][] };
export declare function writeStamp(root: string, stampPath: string, files: string[]): void;
export declare function staleReason(root: string, stampPath?: string): string | undefined;
export declare function compileCacheDir(root: string, env: NodeJS.ProcessEnv): string;
