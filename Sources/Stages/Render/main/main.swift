import BuildProvenance
import PipelineCore
import Render

StageMain.run(RenderStage.self, codeTable: codeTable)
