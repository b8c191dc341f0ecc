import type { NextConfig } from 'next';

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The dashboard proxies uploads (CSV/JSON cost tables, ONNX models) through server actions.
  experimental: { serverActions: { bodySizeLimit: '8mb' } },
};

export default config;
