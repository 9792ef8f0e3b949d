from schemes.rulekit import run
from schemes.topics import run_topic_tokens

run(
    snakemake,
    run_topic_tokens,
    sentences_paths=list(snakemake.input.sentences),
    documents_path=snakemake.input.documents,
    stopword_paths=dict(snakemake.params.stopwords),
    min_df=snakemake.params.min_df,
    max_df=snakemake.params.max_df,
    min_token_length=snakemake.params.min_token_length,
    phrases=dict(snakemake.params.phrases),
    tokens_path=snakemake.output.tokens,
    vocabulary_path=snakemake.output.vocabulary,
)
