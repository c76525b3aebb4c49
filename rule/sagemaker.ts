/**
 * Reading notebooks from SageMaker itself, the source of truth for the periodic sweep (and for an oversized
 * item Config cannot give us). Tags are fetched only when they matter: for the exemption check, or for the
 * owner of a NON_COMPLIANT notebook (withTags).
 */
import {
  DescribeNotebookInstanceCommand,
  type DescribeNotebookInstanceCommandOutput,
  type NotebookInstanceSummary,
  paginateListNotebookInstances,
  paginateListTags,
  type SageMakerClient,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import { type Notebook, notebookFromDescription, tagMap } from './notebook';

/**
 * Every notebook SageMaker lists, page by page as they are consumed: the next page is asked for while the
 * current one is being worked on, and at most those two are held.
 */
export async function* notebookSummaries(
  sagemaker: SageMakerClient,
): AsyncGenerator<NotebookInstanceSummary> {
  const pages = paginateListNotebookInstances({ client: sagemaker, pageSize: 100 }, {});
  let next = pages.next();
  for (;;) {
    const page = await next;
    if (page.done) return;
    next = pages.next();
    // Awaited once this page is worked through; until then its failure must not count as unhandled.
    next.catch(() => undefined);
    yield* page.value.NotebookInstances ?? [];
  }
}

/** undefined when the notebook no longer exists (deleted since it was listed). */
export async function describeNotebook(
  sagemaker: SageMakerClient,
  name: string,
  withTags: boolean,
): Promise<Notebook | undefined> {
  let description: DescribeNotebookInstanceCommandOutput;
  try {
    description = await sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const arn = description.NotebookInstanceArn;
  const tags = withTags && arn ? await listTags(sagemaker, arn) : [];
  return notebookFromDescription(description, tags);
}

/** The notebook with its tags read (a notebook without an ARN cannot have any listed). */
export async function withTags(sagemaker: SageMakerClient, notebook: Notebook): Promise<Notebook> {
  return notebook.arn ? { ...notebook, tags: tagMap(await listTags(sagemaker, notebook.arn)) } : notebook;
}

async function listTags(sagemaker: SageMakerClient, arn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  for await (const page of paginateListTags({ client: sagemaker, pageSize: 100 }, { ResourceArn: arn })) {
    tags.push(...(page.Tags ?? []));
  }
  return tags;
}

/** SageMaker answers a missing notebook with a ValidationException ("RecordNotFound"). */
function isNotFound(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /RecordNotFound|does not exist|not found/i.test(error.message)
  );
}
